/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "flow-key.h"

namespace ns3
{

uint64_t
MixHash64(uint64_t value)
{
    // The 64-bit finaliser of MurmurHash3 (public domain, Austin Appleby).
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    value ^= value >> 33;
    return value;
}

bool
FlowKey::operator==(const FlowKey& other) const
{
    return sourceAddress == other.sourceAddress && destinationAddress == other.destinationAddress
        && sourcePort == other.sourcePort && destinationPort == other.destinationPort
        && protocol == other.protocol;
}

bool
FlowKey::operator!=(const FlowKey& other) const
{
    return !(*this == other);
}

std::ostream&
operator<<(std::ostream& os, const FlowKey& key)
{
    auto printAddress = [&os](uint32_t address) {
        os << ((address >> 24) & 0xff) << '.' << ((address >> 16) & 0xff) << '.'
           << ((address >> 8) & 0xff) << '.' << (address & 0xff);
    };
    printAddress(key.sourceAddress);
    os << ':' << key.sourcePort << " -> ";
    printAddress(key.destinationAddress);
    os << ':' << key.destinationPort << " proto " << static_cast<uint32_t>(key.protocol);
    return os;
}

uint64_t
HashFlowKey(const FlowKey& key, uint64_t seed, uint8_t fields)
{
    uint64_t addresses = 0;
    if (fields & HASH_SOURCE_ADDRESS)
    {
        addresses |= static_cast<uint64_t>(key.sourceAddress) << 32;
    }
    if (fields & HASH_DESTINATION_ADDRESS)
    {
        addresses |= key.destinationAddress;
    }
    uint64_t portsAndProtocol = 0;
    if (fields & HASH_SOURCE_PORT)
    {
        portsAndProtocol |= static_cast<uint64_t>(key.sourcePort) << 24;
    }
    if (fields & HASH_DESTINATION_PORT)
    {
        portsAndProtocol |= static_cast<uint64_t>(key.destinationPort) << 8;
    }
    if (fields & HASH_PROTOCOL)
    {
        portsAndProtocol |= key.protocol;
    }
    uint64_t hash = MixHash64(seed ^ 0x9e3779b97f4a7c15ULL);
    hash = MixHash64(hash ^ addresses);
    hash = MixHash64(hash ^ portsAndProtocol);
    return hash;
}

} // namespace ns3
