/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_FLOW_TABLE_H
#define MARL_LB_FLOW_TABLE_H

#include "flow-key.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief One flow-table entry: where a flow goes and how far it has come.
 */
struct FlowEntry
{
    /// Progress of the flow as seen from the client side.
    enum State : uint8_t
    {
        SYN_SEEN,    //!< a SYN created the entry; not yet counted as on-going
        ESTABLISHED, //!< the client's first ACK arrived; counted as on-going
        UNTRACKED,   //!< created by a non-SYN packet of an unknown flow; never counted
        CLOSING,     //!< the client sent FIN; kept only so that its last ACKs follow it
    };

    uint32_t server{0};    //!< position of the chosen server in the data plane's list
    State state{SYN_SEEN}; //!< progress of the flow
    Time start;            //!< arrival of the packet that created the entry
    Time lastSeen;         //!< arrival of the flow's latest packet
};

/**
 * \ingroup marl-lb
 * \brief Flow table: an open-addressing hash map from flow key to entry.
 *
 * Slots hold the key, its hash and the entry inline, so a lookup of a present flow usually
 * reads one cache line, and linear probing keeps misses on neighbouring lines. Deletion
 * shifts later entries of the probe run back (no tombstones), so lookups never slow down with
 * churn. The table doubles when it is 70 % full and never shrinks.
 *
 * Pointers returned by Find() and Insert() stay valid until the next Insert() or Erase().
 */
class FlowTable
{
  public:
    /**
     * \brief Creates an empty table.
     * \param capacity initial number of slots, rounded up to a power of two (at least 16)
     */
    explicit FlowTable(std::size_t capacity = 1024);

    /**
     * \brief Looks up a flow.
     * \param key the flow
     * \param hash a hash of the key, computed once by the caller. The data plane uses
     *        HashFlowKey with its HashSeed. Every call for a key must pass the same hash.
     * \return the entry, or nullptr if the flow is not in the table
     */
    FlowEntry* Find(const FlowKey& key, uint64_t hash);

    /**
     * \brief Adds a flow that is not in the table.
     * \param key the flow
     * \param hash the key's hash, as for Find()
     * \param entry its entry
     * \return the stored entry
     */
    FlowEntry* Insert(const FlowKey& key, uint64_t hash, const FlowEntry& entry);

    /**
     * \brief Removes a flow.
     * \param key the flow
     * \param hash the key's hash, as for Find()
     * \return true if the flow was in the table
     */
    bool Erase(const FlowKey& key, uint64_t hash);

    /**
     * \brief Calls a function on every entry, and removes those for which it returns true.
     * \param visit called as visit(key, entry); returns true to remove the entry
     * \return the number of entries removed
     */
    template<typename Visit>
    std::size_t RemoveIf(Visit visit);

    /// \return the number of flows in the table
    std::size_t GetSize() const
    {
        return m_size;
    }

    /// \return the number of slots
    std::size_t GetCapacity() const
    {
        return m_slots.size();
    }

    /// Removes every flow.
    void Clear();

  private:
    /// One slot of the table.
    struct Slot
    {
        FlowKey key;      //!< the flow
        bool used{false}; //!< true if the slot holds a flow
        uint64_t hash{0}; //!< the key's hash
        FlowEntry entry;  //!< the flow's entry
    };

    /// Doubles the number of slots and re-inserts every flow.
    void Grow();
    /**
     * \brief Empties a slot and shifts the rest of its probe run back.
     * \param index the slot
     */
    void EraseSlot(std::size_t index);

    std::vector<Slot> m_slots; //!< the slots; the size is a power of two
    std::size_t m_mask;        //!< number of slots minus one
    std::size_t m_size{0};     //!< flows in the table
};

template<typename Visit>
std::size_t
FlowTable::RemoveIf(Visit visit)
{
    std::size_t removed = 0;
    std::size_t index = 0;
    while (index < m_slots.size())
    {
        Slot& slot = m_slots[index];
        if (slot.used && visit(static_cast<const FlowKey&>(slot.key), slot.entry))
        {
            // A later entry may shift into this slot: look at the same index again.
            EraseSlot(index);
            ++removed;
            continue;
        }
        ++index;
    }
    return removed;
}

} // namespace ns3

#endif // MARL_LB_FLOW_TABLE_H
