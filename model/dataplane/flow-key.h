/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_FLOW_KEY_H
#define MARL_LB_FLOW_KEY_H

#include <cstdint>
#include <functional>
#include <ostream>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Transport 5-tuple of one flow, in host byte order.
 *
 * The data-plane core (flow table, policies, features) works on this plain key, so that the
 * same decision code serves the ns-3 node, the micro-benchmarks and the emulation bridge.
 */
struct FlowKey
{
    uint32_t sourceAddress{0};      //!< IPv4 source address
    uint32_t destinationAddress{0}; //!< IPv4 destination address
    uint16_t sourcePort{0};         //!< transport source port
    uint16_t destinationPort{0};    //!< transport destination port
    uint8_t protocol{0};            //!< IP protocol number (6 for TCP)

    bool operator==(const FlowKey& other) const;
    bool operator!=(const FlowKey& other) const;
};

std::ostream& operator<<(std::ostream& os, const FlowKey& key);

/**
 * \ingroup marl-lb
 * \brief Bit mask naming the fields of a FlowKey that enter a hash.
 */
enum FlowHashField : uint8_t
{
    HASH_SOURCE_ADDRESS = 1 << 0,
    HASH_DESTINATION_ADDRESS = 1 << 1,
    HASH_SOURCE_PORT = 1 << 2,
    HASH_DESTINATION_PORT = 1 << 3,
    HASH_PROTOCOL = 1 << 4,
    HASH_FIVE_TUPLE = 0x1f,
};

/**
 * \ingroup marl-lb
 * \brief Hashes the selected fields of a flow key with a seed.
 *
 * The function is the 64-bit finaliser of MurmurHash3 applied to the packed fields. It is
 * deterministic across runs and platforms, so two nodes given the same seed agree on every flow.
 *
 * \param key the flow
 * \param seed the hash seed; nodes with different seeds hash independently
 * \param fields a mask of FlowHashField values
 * \return the 64-bit hash
 */
uint64_t HashFlowKey(const FlowKey& key, uint64_t seed, uint8_t fields = HASH_FIVE_TUPLE);

/**
 * \ingroup marl-lb
 * \brief Mixes the bits of a 64-bit value with the finaliser of MurmurHash3.
 * \param value the input
 * \return a value whose bits each depend on every input bit
 */
uint64_t MixHash64(uint64_t value);

/**
 * \ingroup marl-lb
 * \brief Hash functor for unordered containers keyed by FlowKey.
 */
struct FlowKeyHasher
{
    std::size_t operator()(const FlowKey& key) const
    {
        return static_cast<std::size_t>(HashFlowKey(key, 0));
    }
};

} // namespace ns3

#endif // MARL_LB_FLOW_KEY_H
