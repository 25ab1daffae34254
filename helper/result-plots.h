/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_RESULT_PLOTS_H
#define MARL_LB_RESULT_PLOTS_H

#include "experiment.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Writes the study's figures with ns-3's Gnuplot classes, and renders them to PNG when
 * gnuplot is installed.
 *
 * Each plot is a gnuplot script PREFIX-NAME.plt and its data file PREFIX-NAME.dat, with one
 * block per data set. Without gnuplot the files stay for the user (`gnuplot PREFIX-NAME.plt`).
 */
class ResultPlots
{
  public:
    /**
     * \brief Creates a writer.
     * \param prefix path prefix of the files, such as "results/compare"
     */
    explicit ResultPlots(std::string prefix);

    /**
     * \brief Plots the JCT CDF of each result (the study's Figure 8 style).
     * \param results one result per method
     * \return the script's path
     */
    std::string PlotJctCdf(const std::vector<ExperimentResult>& results) const;

    /**
     * \brief Plots the mean busy workers per server over time, one line per group of servers
     * with equal CPUs (the study's Figures 9 and 10).
     * \param result one run
     * \return the script's path
     */
    std::string PlotBusyWorkers(const ExperimentResult& result) const;

    /**
     * \brief Plots the weights that took effect on the first load balancer, one line per server.
     * \param result one run
     * \return the script's path
     */
    std::string PlotWeights(const ExperimentResult& result) const;

    /**
     * \brief Runs gnuplot on the scripts written so far if it is installed.
     * \return true if PNG files were rendered, false if gnuplot is missing or failed
     */
    bool Render() const;

    /// \return the scripts written so far
    const std::vector<std::string>& GetScripts() const;

  private:
    /**
     * \brief Writes a plot's script and data files.
     * \param plot the plot
     * \param name the plot's name, appended to the prefix
     * \return the script's path
     */
    std::string Write(class Gnuplot& plot, const std::string& name) const;

    std::string m_prefix;                       //!< path prefix of the files
    mutable std::vector<std::string> m_scripts; //!< scripts written so far
};

} // namespace ns3

#endif // MARL_LB_RESULT_PLOTS_H
