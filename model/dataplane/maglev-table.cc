/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "maglev-table.h"

#include "flow-key.h"

#include "ns3/fatal-error.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

MaglevTable::MaglevTable(uint32_t size, uint64_t offsetSeed, uint64_t skipSeed)
    : m_size(size),
      m_offsetSeed(offsetSeed),
      m_skipSeed(skipSeed)
{
    if (!IsPrime(size))
    {
        NS_FATAL_ERROR("Maglev table size " << size
                                            << " is not a prime; use a prime such as 65537 or "
                                               "251, so that every server's step visits all slots");
    }
}

bool
MaglevTable::IsPrime(uint64_t value)
{
    if (value < 2)
    {
        return false;
    }
    for (uint64_t divisor = 2; divisor * divisor <= value; ++divisor)
    {
        if (value % divisor == 0)
        {
            return false;
        }
    }
    return true;
}

std::vector<uint32_t>
MaglevTable::Build(const std::vector<Entry>& servers)
{
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < servers.size(); ++i)
    {
        if (servers[i].weight > 0)
        {
            order.push_back(i);
        }
    }
    if (order.size() >= m_size)
    {
        NS_FATAL_ERROR("Maglev table of " << m_size << " slots cannot hold " << order.size()
                                          << " servers; choose a larger prime table size");
    }

    // Sort by identifier so that the result does not depend on the caller's order.
    std::sort(order.begin(), order.end(), [&servers](uint32_t a, uint32_t b) {
        return servers[a].id < servers[b].id;
    });
    for (std::size_t k = 1; k < order.size(); ++k)
    {
        if (servers[order[k]].id == servers[order[k - 1]].id)
        {
            NS_FATAL_ERROR("Maglev table given server identifier "
                           << servers[order[k]].id << " twice; every server needs its own id");
        }
    }

    std::vector<uint32_t> slots(m_size, NO_SERVER);
    std::vector<uint64_t> slotIds(m_size, 0);
    if (!order.empty())
    {
        std::vector<uint64_t> offset(order.size());
        std::vector<uint64_t> skip(order.size());
        std::vector<uint64_t> next(order.size(), 0);
        for (std::size_t k = 0; k < order.size(); ++k)
        {
            uint64_t id = servers[order[k]].id;
            offset[k] = MixHash64(id ^ m_offsetSeed) % m_size;
            skip[k] = MixHash64(id ^ m_skipSeed) % (m_size - 1) + 1;
        }

        // Servers take turns, each claiming its next preferred free slot, weight times a round.
        uint32_t filled = 0;
        while (filled < m_size)
        {
            for (std::size_t k = 0; k < order.size() && filled < m_size; ++k)
            {
                for (uint32_t turn = 0; turn < servers[order[k]].weight && filled < m_size; ++turn)
                {
                    uint64_t slot = (offset[k] + next[k] * skip[k]) % m_size;
                    while (slots[slot] != NO_SERVER)
                    {
                        ++next[k];
                        slot = (offset[k] + next[k] * skip[k]) % m_size;
                    }
                    slots[slot] = order[k];
                    slotIds[slot] = servers[order[k]].id;
                    ++next[k];
                    ++filled;
                }
            }
        }
    }

    std::vector<uint32_t> changed;
    for (uint32_t slot = 0; slot < m_size; ++slot)
    {
        bool wasEmpty = m_slots.empty() || m_slots[slot] == NO_SERVER;
        bool isEmpty = slots[slot] == NO_SERVER;
        if (wasEmpty != isEmpty || (!isEmpty && m_slotIds[slot] != slotIds[slot]))
        {
            changed.push_back(slot);
        }
    }
    m_slots = std::move(slots);
    m_slotIds = std::move(slotIds);
    return changed;
}

uint32_t
MaglevTable::GetSize() const
{
    return m_size;
}

const std::vector<uint32_t>&
MaglevTable::GetSlots() const
{
    return m_slots;
}

const std::vector<uint64_t>&
MaglevTable::GetSlotIds() const
{
    return m_slotIds;
}

} // namespace ns3
