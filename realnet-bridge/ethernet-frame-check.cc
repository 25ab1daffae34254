/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ethernet-frame-check.h"

namespace ns3
{

namespace
{
constexpr std::size_t ETHERNET_HEADER = 14;     //!< destination, source, EtherType
constexpr uint16_t ETHERTYPE_IPV4 = 0x0800;     //!< IPv4
constexpr uint16_t ETHERTYPE_ARP = 0x0806;      //!< ARP
constexpr std::size_t IPV4_MIN_HEADER = 20;     //!< IPv4 header without options
constexpr uint16_t IPV4_FRAGMENT_MASK = 0x3fff; //!< more-fragments flag and offset
constexpr uint8_t PROTOCOL_ICMP = 1;            //!< IP protocol number of ICMP
constexpr uint8_t PROTOCOL_TCP = 6;             //!< IP protocol number of TCP
constexpr uint8_t PROTOCOL_UDP = 17;            //!< IP protocol number of UDP
constexpr std::size_t TCP_MIN_HEADER = 20;      //!< TCP header without options
constexpr std::size_t UDP_HEADER = 8;           //!< UDP header
constexpr std::size_t ICMP_MIN_HEADER = 8;      //!< ICMP type, code, checksum and 4 bytes
constexpr std::size_t ARP_BODY = 28;            //!< ARP for Ethernet and IPv4
constexpr std::size_t TCP_CHECKSUM_OFFSET = 16; //!< checksum field in the TCP header
constexpr std::size_t UDP_CHECKSUM_OFFSET = 6;  //!< checksum field in the UDP header

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
 * Adds big-endian 16-bit words to a one's complement sum.
 * \param sum the running sum
 * \param data first byte
 * \param length bytes
 * \return the new sum, not folded
 */
uint32_t
AddWords(uint32_t sum, const uint8_t* data, std::size_t length)
{
    for (std::size_t i = 0; i + 1 < length; i += 2)
    {
        sum += ReadU16(data + i);
    }
    if (length % 2 == 1)
    {
        sum += static_cast<uint32_t>(data[length - 1]) << 8;
    }
    return sum;
}

/**
 * Folds a sum to 16 bits and complements it.
 * \param sum the sum
 * \return the checksum
 */
uint16_t
Fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

/**
 * Checks the transport header of an IPv4 packet.
 * \param protocol the IP protocol number
 * \param payload first byte after the IPv4 header
 * \param length bytes of payload, by the IPv4 total length
 * \return true if the header fits (or the protocol is not checked)
 */
bool
CheckTransport(uint8_t protocol, const uint8_t* payload, std::size_t length)
{
    switch (protocol)
    {
        case PROTOCOL_TCP:
        {
            if (length < TCP_MIN_HEADER)
            {
                return false;
            }
            std::size_t dataOffset = static_cast<std::size_t>(payload[12] >> 4) * 4;
            return dataOffset >= TCP_MIN_HEADER && dataOffset <= length;
        }
        case PROTOCOL_UDP:
            return length >= UDP_HEADER && ReadU16(payload + 4) >= UDP_HEADER
                && ReadU16(payload + 4) <= length;
        case PROTOCOL_ICMP:
            return length >= ICMP_MIN_HEADER;
        default:
            return true;
    }
}
} // namespace

const char*
FrameVerdictName(FrameVerdict verdict)
{
    switch (verdict)
    {
        case FRAME_OK:
            return "ok";
        case FRAME_RUNT:
            return "runt";
        case FRAME_OVERSIZED:
            return "oversized";
        case FRAME_BAD_IPV4:
            return "bad-ipv4";
        case FRAME_TRUNCATED_IPV4:
            return "truncated-ipv4";
        case FRAME_BAD_TRANSPORT:
            return "bad-transport";
        case FRAME_IPV4_FRAGMENT:
            return "ipv4-fragment";
        case FRAME_BAD_ARP:
            return "bad-arp";
        case FRAME_UNSUPPORTED_TYPE:
            return "unsupported-type";
        case FRAME_VERDICT_COUNT:
            break;
    }
    return "unknown";
}

FrameVerdict
CheckEthernetFrame(const uint8_t* frame, std::size_t length, uint16_t mtu)
{
    if (length < ETHERNET_HEADER)
    {
        return FRAME_RUNT;
    }
    if (length > static_cast<std::size_t>(mtu) + ETHERNET_HEADER)
    {
        return FRAME_OVERSIZED;
    }
    uint16_t etherType = ReadU16(frame + 12);
    const uint8_t* body = frame + ETHERNET_HEADER;
    std::size_t bodyLength = length - ETHERNET_HEADER;

    if (etherType == ETHERTYPE_ARP)
    {
        bool valid = bodyLength >= ARP_BODY && ReadU16(body) == 1
                  && ReadU16(body + 2) == ETHERTYPE_IPV4 && body[4] == 6 && body[5] == 4;
        return valid ? FRAME_OK : FRAME_BAD_ARP;
    }
    if (etherType != ETHERTYPE_IPV4)
    {
        return FRAME_UNSUPPORTED_TYPE;
    }

    if (bodyLength < IPV4_MIN_HEADER)
    {
        return FRAME_TRUNCATED_IPV4;
    }
    std::size_t headerLength = static_cast<std::size_t>(body[0] & 0x0f) * 4;
    if ((body[0] >> 4) != 4 || headerLength < IPV4_MIN_HEADER)
    {
        return FRAME_BAD_IPV4;
    }
    if (headerLength > bodyLength)
    {
        return FRAME_TRUNCATED_IPV4;
    }
    if (Fold(AddWords(0, body, headerLength)) != 0)
    {
        return FRAME_BAD_IPV4;
    }
    std::size_t totalLength = ReadU16(body + 2);
    if (totalLength < headerLength)
    {
        return FRAME_BAD_IPV4;
    }
    if (totalLength > bodyLength)
    {
        return FRAME_TRUNCATED_IPV4;
    }
    if ((ReadU16(body + 6) & IPV4_FRAGMENT_MASK) != 0)
    {
        return FRAME_IPV4_FRAGMENT;
    }
    if (!CheckTransport(body[9], body + headerLength, totalLength - headerLength))
    {
        return FRAME_BAD_TRANSPORT;
    }
    return FRAME_OK;
}

bool
CompleteTransportChecksum(uint8_t* frame, std::size_t length)
{
    if (CheckEthernetFrame(frame, length, UINT16_MAX) != FRAME_OK
        || ReadU16(frame + 12) != ETHERTYPE_IPV4)
    {
        return false;
    }
    uint8_t* ip = frame + ETHERNET_HEADER;
    std::size_t headerLength = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
    std::size_t segmentLength = ReadU16(ip + 2) - headerLength;
    uint8_t protocol = ip[9];
    std::size_t checksumOffset = 0;
    if (protocol == PROTOCOL_TCP)
    {
        checksumOffset = TCP_CHECKSUM_OFFSET;
    }
    else if (protocol == PROTOCOL_UDP)
    {
        checksumOffset = UDP_CHECKSUM_OFFSET;
    }
    else
    {
        return false;
    }
    uint8_t* segment = ip + headerLength;
    segment[checksumOffset] = 0;
    segment[checksumOffset + 1] = 0;
    // Pseudo-header: source, destination, zero and protocol, segment length.
    uint32_t sum = AddWords(0, ip + 12, 8);
    sum += protocol;
    sum += static_cast<uint32_t>(segmentLength);
    uint16_t checksum = Fold(AddWords(sum, segment, segmentLength));
    if (protocol == PROTOCOL_UDP && checksum == 0)
    {
        checksum = 0xffff; // zero means "no checksum" in UDP
    }
    segment[checksumOffset] = static_cast<uint8_t>(checksum >> 8);
    segment[checksumOffset + 1] = static_cast<uint8_t>(checksum & 0xff);
    return true;
}

} // namespace ns3
