/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "reward-function.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RewardFunction");

NS_OBJECT_ENSURE_REGISTERED(RewardFunction);

TypeId
RewardFunction::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RewardFunction")
            .SetParent<Object>()
            .SetGroupName("MarlLb")
            .AddConstructor<RewardFunction>()
            .AddAttribute("Kind",
                          "Fairness index of the reward.",
                          EnumValue(RewardFunction::PRODUCT_FAIRNESS),
                          MakeEnumAccessor(&RewardFunction::m_kind),
                          MakeEnumChecker(RewardFunction::PRODUCT_FAIRNESS,
                                          "ProductFairness",
                                          RewardFunction::JAIN,
                                          "Jain",
                                          RewardFunction::NEGATIVE_VARIANCE,
                                          "NegativeVariance",
                                          RewardFunction::EXP_NEGATIVE_VARIANCE,
                                          "ExpNegativeVariance",
                                          RewardFunction::NEGATIVE_MAX,
                                          "NegativeMax"))
            .AddAttribute("Smoothing",
                          "Weight gamma of the newest loads when blending two steps: "
                          "s(t) = (1 - gamma) l(t-1) + gamma l(t). 1 disables the blend.",
                          DoubleValue(0.9),
                          MakeDoubleAccessor(&RewardFunction::m_gamma),
                          MakeDoubleChecker<double>(0.0, 1.0));
    return tid;
}

RewardFunction::RewardFunction()
    : m_kind(PRODUCT_FAIRNESS),
      m_gamma(0.9)
{
}

double
RewardFunction::Evaluate(Kind kind, const std::vector<double>& loads)
{
    if (loads.empty())
    {
        return 0;
    }
    const double n = static_cast<double>(loads.size());
    const double sum = std::accumulate(loads.begin(), loads.end(), 0.0);
    const double maximum = *std::max_element(loads.begin(), loads.end());
    const double mean = sum / n;
    double squares = 0;
    double variance = 0;
    for (double load : loads)
    {
        squares += load * load;
        variance += (load - mean) * (load - mean);
    }
    variance /= n;

    switch (kind)
    {
        case PRODUCT_FAIRNESS:
        {
            if (!(maximum > 0))
            {
                return 1.0;
            }
            double product = 1.0;
            for (double load : loads)
            {
                product *= load / maximum;
            }
            return product;
        }
        case JAIN:
            return squares > 0 ? sum * sum / (n * squares) : 1.0;
        case NEGATIVE_VARIANCE:
            return -variance;
        case EXP_NEGATIVE_VARIANCE:
            return std::exp(-10000.0 * variance);
        case NEGATIVE_MAX:
            return -maximum;
    }
    return 0;
}

double
RewardFunction::Step(const std::vector<double>& loads)
{
    if (m_previous.empty())
    {
        m_smoothed = loads;
    }
    else
    {
        NS_ABORT_MSG_IF(loads.size() != m_previous.size(),
                        "reward step got " << loads.size() << " loads after " << m_previous.size()
                                           << "; call Reset() when the server count changes");
        m_smoothed.resize(loads.size());
        for (std::size_t j = 0; j < loads.size(); ++j)
        {
            m_smoothed[j] = (1.0 - m_gamma) * m_previous[j] + m_gamma * loads[j];
        }
    }
    m_previous = loads;
    return Evaluate(m_kind, m_smoothed);
}

void
RewardFunction::Reset()
{
    m_previous.clear();
    m_smoothed.clear();
}

const std::vector<double>&
RewardFunction::GetSmoothedLoads() const
{
    return m_smoothed;
}

} // namespace ns3
