/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_MAGLEV_TABLE_H
#define MARL_LB_MAGLEV_TABLE_H

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Consistent-hash lookup table of Maglev (Eisenbud et al., NSDI 2016, section 3.4).
 *
 * Each server, named by a stable 64-bit identifier (the load balancer uses its IPv4 address),
 * gets a permutation of the table's slots from two seeded hashes of its identifier. Servers
 * take turns claiming their next preferred free slot until every slot is filled, so each server
 * owns close to size/n slots, and removing one server moves little more than its own slots.
 *
 * The build sorts servers by identifier first, so two tables given the same servers in any
 * order are identical. Weights are whole numbers of turns per round, which makes slot counts
 * proportional to weights.
 */
class MaglevTable
{
  public:
    /// Default table size: the prime that Maglev's paper uses for small deployments.
    static constexpr uint32_t DEFAULT_SIZE = 65537;
    /// Default seed of the hash that picks a server's first slot.
    static constexpr uint64_t DEFAULT_OFFSET_SEED = 0x4d61676c65764f66ULL;
    /// Default seed of the hash that picks a server's step between slots.
    static constexpr uint64_t DEFAULT_SKIP_SEED = 0x4d61676c65765370ULL;
    /// Marks a slot of an empty table.
    static constexpr uint32_t NO_SERVER = UINT32_MAX;

    /// One server, as an entry of the table's build.
    struct Entry
    {
        uint64_t id;     //!< stable identifier, for example the server's IPv4 address
        uint32_t weight; //!< turns per round; 0 leaves the server out of the table
    };

    /**
     * \brief Creates an empty table.
     * \param size number of slots; must be a prime larger than the number of servers
     * \param offsetSeed seed of the first-slot hash
     * \param skipSeed seed of the step hash
     */
    explicit MaglevTable(uint32_t size = DEFAULT_SIZE,
                         uint64_t offsetSeed = DEFAULT_OFFSET_SEED,
                         uint64_t skipSeed = DEFAULT_SKIP_SEED);

    /**
     * \brief Fills every slot from the given servers.
     *
     * Slots store positions in \p servers, not identifiers, so a caller maps a lookup result
     * straight to its own server list.
     *
     * \param servers the servers, in the caller's order
     * \return the indices of the slots whose server identifier changed since the previous
     *         build (all slots on the first build)
     */
    std::vector<uint32_t> Build(const std::vector<Entry>& servers);

    /**
     * \brief Looks up the server for a flow hash.
     * \param hash a hash of the flow
     * \return the position of the server in the list given to Build(), or NO_SERVER if the
     *         table is empty
     */
    uint32_t Lookup(uint64_t hash) const
    {
        return m_slots.empty() ? NO_SERVER : m_slots[hash % m_size];
    }

    /// \return number of slots
    uint32_t GetSize() const;
    /// \return the slot contents, as positions in the last Build() list
    const std::vector<uint32_t>& GetSlots() const;
    /// \return the server identifier owning each slot
    const std::vector<uint64_t>& GetSlotIds() const;

    /**
     * \brief Tests whether a number is prime.
     * \param value the number
     * \return true if \p value is prime
     */
    static bool IsPrime(uint64_t value);

  private:
    uint32_t m_size;                 //!< number of slots (prime)
    uint64_t m_offsetSeed;           //!< seed of the first-slot hash
    uint64_t m_skipSeed;             //!< seed of the step hash
    std::vector<uint32_t> m_slots;   //!< position of each slot's server in the Build() list
    std::vector<uint64_t> m_slotIds; //!< identifier of each slot's server
};

} // namespace ns3

#endif // MARL_LB_MAGLEV_TABLE_H
