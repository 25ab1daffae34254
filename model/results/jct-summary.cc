/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "jct-summary.h"

#include "ns3/assert.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

JctSummary::JctSummary(const std::vector<RequestRecord>& records)
    : m_requests(records.size())
{
    for (const auto& record : records)
    {
        m_outcomes[record.outcome]++;
        if (record.outcome == RequestOutcome::COMPLETED)
        {
            m_jctMs.push_back(record.GetJct().GetSeconds() * 1000.0);
        }
    }
    std::sort(m_jctMs.begin(), m_jctMs.end());
}

uint64_t
JctSummary::GetRequests() const
{
    return m_requests;
}

uint64_t
JctSummary::GetCompleted() const
{
    return m_jctMs.size();
}

uint64_t
JctSummary::GetFailed() const
{
    return m_requests - m_jctMs.size();
}

uint64_t
JctSummary::GetCount(RequestOutcome outcome) const
{
    auto it = m_outcomes.find(outcome);
    return it == m_outcomes.end() ? 0 : it->second;
}

double
JctSummary::GetMeanMs() const
{
    if (m_jctMs.empty())
    {
        return 0;
    }
    double sum = 0;
    for (double value : m_jctMs)
    {
        sum += value;
    }
    return sum / m_jctMs.size();
}

double
JctSummary::GetStdDevMs() const
{
    if (m_jctMs.size() < 2)
    {
        return 0;
    }
    double mean = GetMeanMs();
    double squares = 0;
    for (double value : m_jctMs)
    {
        squares += (value - mean) * (value - mean);
    }
    return std::sqrt(squares / (m_jctMs.size() - 1));
}

double
JctSummary::GetPercentileMs(double percentile) const
{
    NS_ASSERT_MSG(percentile > 0 && percentile <= 100,
                  "percentile " << percentile << " is outside (0, 100]");
    if (m_jctMs.empty())
    {
        return 0;
    }
    auto rank = static_cast<std::size_t>(std::ceil(percentile / 100.0 * m_jctMs.size()));
    return m_jctMs[std::max<std::size_t>(rank, 1) - 1];
}

} // namespace ns3
