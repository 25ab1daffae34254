/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_JCT_SUMMARY_H
#define MARL_LB_JCT_SUMMARY_H

#include "request-record.h"

#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Job completion time statistics over a set of request records.
 *
 * Statistics cover the completed requests only; failed requests are counted by outcome.
 * Percentiles use the nearest-rank method: the p-th percentile is the smallest JCT such that
 * at least p % of the completed requests are no slower.
 */
class JctSummary
{
  public:
    /**
     * \brief Summarises records.
     * \param records every request of a run, completed or not
     */
    explicit JctSummary(const std::vector<RequestRecord>& records);

    /// \return the number of records
    uint64_t GetRequests() const;
    /// \return the number of completed requests
    uint64_t GetCompleted() const;
    /// \return the number of requests that did not complete, whatever the reason
    uint64_t GetFailed() const;
    /**
     * \param outcome an outcome
     * \return the number of records with that outcome
     */
    uint64_t GetCount(RequestOutcome outcome) const;
    /// \return the mean JCT in milliseconds, or 0 if nothing completed
    double GetMeanMs() const;
    /// \return the standard deviation of the JCT in milliseconds
    double GetStdDevMs() const;
    /**
     * \param percentile a value in (0, 100]
     * \return the JCT percentile in milliseconds, or 0 if nothing completed
     */
    double GetPercentileMs(double percentile) const;

  private:
    std::vector<double> m_jctMs;                   //!< completed JCTs, sorted, in ms
    std::map<RequestOutcome, uint64_t> m_outcomes; //!< records per outcome
    uint64_t m_requests{0};                        //!< records
};

} // namespace ns3

#endif // MARL_LB_JCT_SUMMARY_H
