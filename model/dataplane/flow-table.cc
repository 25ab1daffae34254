/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "flow-table.h"

namespace ns3
{

namespace
{
/// Grow when more than 7 of 10 slots are used.
constexpr std::size_t LOAD_NUMERATOR = 7;
constexpr std::size_t LOAD_DENOMINATOR = 10;
} // namespace

FlowTable::FlowTable(std::size_t capacity)
{
    std::size_t slots = 16;
    while (slots < capacity)
    {
        slots *= 2;
    }
    m_slots.resize(slots);
    m_mask = slots - 1;
}

FlowEntry*
FlowTable::Find(const FlowKey& key, uint64_t hash)
{
    std::size_t index = hash & m_mask;
    while (true)
    {
        Slot& slot = m_slots[index];
        if (!slot.used)
        {
            return nullptr;
        }
        if (slot.hash == hash && slot.key == key)
        {
            return &slot.entry;
        }
        index = (index + 1) & m_mask;
    }
}

FlowEntry*
FlowTable::Insert(const FlowKey& key, uint64_t hash, const FlowEntry& entry)
{
    if ((m_size + 1) * LOAD_DENOMINATOR > m_slots.size() * LOAD_NUMERATOR)
    {
        Grow();
    }
    std::size_t index = hash & m_mask;
    while (m_slots[index].used)
    {
        index = (index + 1) & m_mask;
    }
    Slot& slot = m_slots[index];
    slot.key = key;
    slot.used = true;
    slot.hash = hash;
    slot.entry = entry;
    ++m_size;
    return &slot.entry;
}

bool
FlowTable::Erase(const FlowKey& key, uint64_t hash)
{
    std::size_t index = hash & m_mask;
    while (m_slots[index].used)
    {
        if (m_slots[index].hash == hash && m_slots[index].key == key)
        {
            EraseSlot(index);
            return true;
        }
        index = (index + 1) & m_mask;
    }
    return false;
}

void
FlowTable::EraseSlot(std::size_t index)
{
    // Backward-shift deletion: move each later entry of the run into the hole when its home
    // slot does not lie cyclically between the hole and its current slot.
    std::size_t hole = index;
    std::size_t next = (hole + 1) & m_mask;
    while (m_slots[next].used)
    {
        std::size_t home = m_slots[next].hash & m_mask;
        bool homeInRange =
            hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
        if (!homeInRange)
        {
            m_slots[hole] = m_slots[next];
            hole = next;
        }
        next = (next + 1) & m_mask;
    }
    m_slots[hole].used = false;
    --m_size;
}

void
FlowTable::Grow()
{
    std::vector<Slot> old;
    old.swap(m_slots);
    m_slots.resize(old.size() * 2);
    m_mask = m_slots.size() - 1;
    m_size = 0;
    for (const auto& slot : old)
    {
        if (slot.used)
        {
            Insert(slot.key, slot.hash, slot.entry);
        }
    }
}

void
FlowTable::Clear()
{
    for (auto& slot : m_slots)
    {
        slot.used = false;
    }
    m_size = 0;
}

} // namespace ns3
