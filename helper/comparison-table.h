/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_COMPARISON_TABLE_H
#define MARL_LB_COMPARISON_TABLE_H

#include "jct-summary.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Tables shaped like the study's: one row per method, one column per traffic rate,
 * each cell the mean +- standard deviation over runs of a per-run JCT statistic.
 */
class ComparisonTable
{
  public:
    /**
     * \brief Adds one run.
     * \param method the method's label, such as "SED"
     * \param rate the traffic rate's label, such as "390.1/s"
     * \param summary the run's JCT summary
     */
    void Add(const std::string& method, const std::string& rate, const JctSummary& summary);

    /**
     * \brief Prints the tables of mean JCT, of 90th-percentile JCT and of failed requests.
     * \param os the stream
     */
    void Print(std::ostream& os) const;

    /**
     * \brief Writes one CSV line per method and rate: method, rate, runs, the mean and
     * standard deviation of the mean JCT and of the 90th percentile (ms), and the failed
     * requests per run.
     * \param os the stream
     */
    void WriteCsv(std::ostream& os) const;

  private:
    /// Per-run statistics of one cell.
    struct Cell
    {
        std::vector<double> meanMs; //!< mean JCT of each run
        std::vector<double> p90Ms;  //!< 90th percentile of each run
        std::vector<double> failed; //!< failed requests of each run
    };

    /**
     * \brief Prints one table.
     * \param os the stream
     * \param title the table's title
     * \param values selects the statistic of a cell
     */
    void PrintTable(std::ostream& os,
                    const std::string& title,
                    const std::vector<double> Cell::*values) const;

    std::vector<std::string> m_methods;                          //!< row order
    std::vector<std::string> m_rates;                            //!< column order
    std::map<std::pair<std::string, std::string>, Cell> m_cells; //!< by method and rate
};

/**
 * \ingroup marl-lb
 * \brief Computes the mean and sample standard deviation of values.
 * \param values the values
 * \return the mean and the standard deviation (0 for fewer than two values)
 */
std::pair<double, double> MeanAndStdDev(const std::vector<double>& values);

} // namespace ns3

#endif // MARL_LB_COMPARISON_TABLE_H
