/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "alias-table.h"

#include <cmath>

namespace ns3
{

bool
AliasTable::Build(const std::vector<double>& weights)
{
    const auto count = static_cast<uint32_t>(weights.size());
    double sum = 0;
    for (double weight : weights)
    {
        if (!(weight >= 0) || !std::isfinite(weight))
        {
            return false;
        }
        sum += weight;
    }
    if (count == 0 || !(sum > 0))
    {
        return false;
    }

    // Scale so that the mean weight is 1, then pair each light column with a heavy one.
    std::vector<double> scaled(count);
    std::vector<uint32_t> light;
    std::vector<uint32_t> heavy;
    for (uint32_t i = 0; i < count; ++i)
    {
        scaled[i] = weights[i] * count / sum;
        (scaled[i] < 1.0 ? light : heavy).push_back(i);
    }
    m_probability.assign(count, 1.0);
    m_alias.resize(count);
    for (uint32_t i = 0; i < count; ++i)
    {
        m_alias[i] = i;
    }
    while (!light.empty() && !heavy.empty())
    {
        uint32_t small = light.back();
        light.pop_back();
        uint32_t large = heavy.back();
        m_probability[small] = scaled[small];
        m_alias[small] = large;
        scaled[large] = (scaled[large] + scaled[small]) - 1.0;
        if (scaled[large] < 1.0)
        {
            heavy.pop_back();
            light.push_back(large);
        }
    }
    // Columns left over hold (up to rounding) exactly their own share.
    for (uint32_t i : heavy)
    {
        m_probability[i] = 1.0;
    }
    for (uint32_t i : light)
    {
        m_probability[i] = 1.0;
    }
    return true;
}

std::vector<double>
AliasTable::GetProbabilities() const
{
    const auto count = static_cast<double>(m_probability.size());
    std::vector<double> result(m_probability.size(), 0.0);
    for (std::size_t i = 0; i < m_probability.size(); ++i)
    {
        result[i] += m_probability[i] / count;
        result[m_alias[i]] += (1.0 - m_probability[i]) / count;
    }
    return result;
}

} // namespace ns3
