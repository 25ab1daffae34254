/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "gre-decap.h"

namespace marllb
{

namespace
{
constexpr std::size_t IPV4_MIN_HEADER = 20;     //!< IPv4 header without options, in bytes
constexpr uint8_t GRE_PROTOCOL = 47;            //!< IP protocol number of GRE
constexpr std::size_t GRE_BASE_HEADER = 4;      //!< flags, version and protocol type
constexpr std::size_t GRE_CHECKSUM_FIELDS = 4;  //!< checksum and reserved1, when C is set
constexpr uint16_t GRE_CHECKSUM_BIT = 0x8000;   //!< C: checksum present
constexpr uint16_t GRE_RESERVED0_MASK = 0x7ff8; //!< bits 1 to 12, must be zero
constexpr uint16_t GRE_VERSION_MASK = 0x0007;   //!< bits 13 to 15, must be zero
constexpr uint16_t GRE_PROTOCOL_IPV4 = 0x0800;  //!< EtherType of an IPv4 payload
constexpr uint16_t IPV4_FRAGMENT_MASK = 0x3fff; //!< more-fragments flag and fragment offset

/**
 * Reads a 16-bit big-endian value.
 * \param p first byte
 * \return the value
 */
uint16_t
ReadU16(const uint8_t* p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

/**
 * Checks an IPv4 header at the start of a buffer.
 * \param p first byte
 * \param available bytes in the buffer
 * \param headerLength [out] the header length in bytes
 * \param totalLength [out] the packet's total length in bytes
 * \return true if the header is IPv4 and both lengths fit in the buffer
 */
bool
CheckIpv4(const uint8_t* p,
          std::size_t available,
          std::size_t& headerLength,
          std::size_t& totalLength)
{
    if (available < IPV4_MIN_HEADER || (p[0] >> 4) != 4)
    {
        return false;
    }
    headerLength = static_cast<std::size_t>(p[0] & 0x0f) * 4;
    totalLength = ReadU16(p + 2);
    return headerLength >= IPV4_MIN_HEADER && totalLength >= headerLength
        && totalLength <= available;
}
} // namespace

const char*
GreDecapResultName(GreDecapResult result)
{
    switch (result)
    {
        case GRE_DECAP_OK:
            return "ok";
        case GRE_DECAP_BAD_OUTER_IPV4:
            return "bad-outer-ipv4";
        case GRE_DECAP_NOT_GRE:
            return "not-gre";
        case GRE_DECAP_TRUNCATED_GRE:
            return "truncated-gre";
        case GRE_DECAP_BAD_GRE_FLAGS:
            return "bad-gre-flags";
        case GRE_DECAP_NOT_IPV4_PAYLOAD:
            return "not-ipv4-payload";
        case GRE_DECAP_BAD_GRE_CHECKSUM:
            return "bad-gre-checksum";
        case GRE_DECAP_BAD_INNER_IPV4:
            return "bad-inner-ipv4";
        case GRE_DECAP_RESULT_COUNT:
            break;
    }
    return "unknown";
}

uint16_t
InternetChecksum(const uint8_t* data, std::size_t length)
{
    uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < length; i += 2)
    {
        sum += ReadU16(data + i);
    }
    if (length % 2 == 1)
    {
        sum += static_cast<uint32_t>(data[length - 1]) << 8;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

GreDecapResult
DecapsulateGre(const uint8_t* datagram, std::size_t length, GreDecapView& view)
{
    // Outer IPv4 header.
    std::size_t outerHeader = 0;
    std::size_t outerTotal = 0;
    if (!CheckIpv4(datagram, length, outerHeader, outerTotal)
        || (ReadU16(datagram + 6) & IPV4_FRAGMENT_MASK) != 0)
    {
        return GRE_DECAP_BAD_OUTER_IPV4;
    }
    if (datagram[9] != GRE_PROTOCOL)
    {
        return GRE_DECAP_NOT_GRE;
    }

    // GRE header (RFC 2784).
    const uint8_t* gre = datagram + outerHeader;
    std::size_t greLength = outerTotal - outerHeader;
    if (greLength < GRE_BASE_HEADER)
    {
        return GRE_DECAP_TRUNCATED_GRE;
    }
    uint16_t flags = ReadU16(gre);
    if ((flags & (GRE_RESERVED0_MASK | GRE_VERSION_MASK)) != 0)
    {
        return GRE_DECAP_BAD_GRE_FLAGS;
    }
    bool checksumPresent = (flags & GRE_CHECKSUM_BIT) != 0;
    std::size_t greHeader = GRE_BASE_HEADER + (checksumPresent ? GRE_CHECKSUM_FIELDS : 0);
    if (greLength < greHeader)
    {
        return GRE_DECAP_TRUNCATED_GRE;
    }
    if (ReadU16(gre + 2) != GRE_PROTOCOL_IPV4)
    {
        return GRE_DECAP_NOT_IPV4_PAYLOAD;
    }
    // The checksum covers the GRE header and payload; a correct one sums to zero.
    if (checksumPresent && InternetChecksum(gre, greLength) != 0)
    {
        return GRE_DECAP_BAD_GRE_CHECKSUM;
    }

    // Inner IPv4 packet.
    const uint8_t* inner = gre + greHeader;
    std::size_t innerHeader = 0;
    std::size_t innerTotal = 0;
    if (!CheckIpv4(inner, greLength - greHeader, innerHeader, innerTotal))
    {
        return GRE_DECAP_BAD_INNER_IPV4;
    }
    view.inner = inner;
    view.innerLength = innerTotal;
    view.checksumPresent = checksumPresent;
    return GRE_DECAP_OK;
}

} // namespace marllb
