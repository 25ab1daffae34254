/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "reservoir-sampler.h"

#include "ns3/fatal-error.h"

#include <algorithm>

namespace ns3
{

ReservoirSampler::ReservoirSampler(uint32_t slots, double keepProbability)
    : m_slots(slots, Sample{Seconds(0), 0.0}),
      m_isFilled(slots, false),
      m_keepProbability(keepProbability)
{
    if (slots == 0)
    {
        NS_FATAL_ERROR("reservoir size 0 is invalid; use at least one slot (the study uses "
                       "128)");
    }
    if (!(keepProbability > 0 && keepProbability <= 1))
    {
        NS_FATAL_ERROR("reservoir keep probability " << keepProbability << " is outside (0, 1]");
    }
}

bool
ReservoirSampler::Offer(Time time, double value, double keepDraw, double slotDraw)
{
    if (keepDraw >= m_keepProbability)
    {
        return false;
    }
    auto slot = std::min(static_cast<uint32_t>(slotDraw * m_slots.size()),
                         static_cast<uint32_t>(m_slots.size() - 1));
    m_slots[slot] = Sample{time, value};
    if (!m_isFilled[slot])
    {
        m_isFilled[slot] = true;
        ++m_filled;
    }
    return true;
}

std::vector<ReservoirSampler::Sample>
ReservoirSampler::GetSamples() const
{
    std::vector<Sample> samples;
    samples.reserve(m_filled);
    for (std::size_t i = 0; i < m_slots.size(); ++i)
    {
        if (m_isFilled[i])
        {
            samples.push_back(m_slots[i]);
        }
    }
    return samples;
}

uint32_t
ReservoirSampler::GetFilled() const
{
    return m_filled;
}

uint32_t
ReservoirSampler::GetSlots() const
{
    return static_cast<uint32_t>(m_slots.size());
}

double
ReservoirSampler::GetKeepProbability() const
{
    return m_keepProbability;
}

void
ReservoirSampler::Clear()
{
    std::fill(m_isFilled.begin(), m_isFilled.end(), false);
    m_filled = 0;
}

} // namespace ns3
