/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Unit test of CheckEthernetFrame() and CompleteTransportChecksum(): a table of frames, each
 * with the verdict the emulated load balancer must reach, and a TCP checksum left to offload
 * that is completed to the value a full computation gives. Exits with 0 when all pass.
 */

#include "ethernet-frame-check.h"

#include <cstdio>
#include <vector>

using namespace ns3;

namespace
{

/**
 * Builds an Ethernet frame holding an IPv4 packet with a correct header checksum.
 * \param protocol the IP protocol
 * \param payload the IPv4 payload
 * \param totalLength the total length field; 0 means the true one
 * \param flags the byte with the flags and the fragment offset's top bits (0x40: DF)
 * \return the frame
 */
std::vector<uint8_t>
Ipv4Frame(uint8_t protocol,
          const std::vector<uint8_t>& payload,
          uint16_t totalLength = 0,
          uint8_t flags = 0x40)
{
    std::vector<uint8_t> frame = {0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
    uint16_t length = totalLength ? totalLength : static_cast<uint16_t>(20 + payload.size());
    std::vector<uint8_t> ip = {0x45,
                               0,
                               static_cast<uint8_t>(length >> 8),
                               static_cast<uint8_t>(length & 0xff),
                               0,
                               1,
                               flags,
                               0,
                               64,
                               protocol,
                               0,
                               0,
                               10,
                               200,
                               0,
                               10,
                               10,
                               200,
                               1,
                               1};
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
    {
        sum += static_cast<uint32_t>((ip[i] << 8) | ip[i + 1]);
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10] = static_cast<uint8_t>((~sum >> 8) & 0xff);
    ip[11] = static_cast<uint8_t>(~sum & 0xff);
    frame.insert(frame.end(), ip.begin(), ip.end());
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

/// A 20-byte TCP SYN header from port 40000 to 80 with a zero checksum field.
const std::vector<uint8_t> TCP_SYN = {0x9c, 0x40, 0x00, 0x50, 0,    0,    0, 1, 0, 0,
                                      0,    0,    0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0};

} // namespace

int
main()
{
    struct Case
    {
        const char* what;           //!< one sentence
        std::vector<uint8_t> frame; //!< the frame
        FrameVerdict expected;      //!< its verdict
    };
    std::vector<uint8_t> arp = {0, 0,    0,    0, 0, 1, 2, 0, 0, 0, 0,
                                2, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1};
    arp.resize(14 + 28, 0);
    std::vector<uint8_t> shortArp(arp.begin(), arp.begin() + 14 + 10);
    std::vector<uint8_t> badChecksum = Ipv4Frame(6, TCP_SYN);
    badChecksum[24] ^= 0x01;
    std::vector<uint8_t> fragment = Ipv4Frame(6, TCP_SYN, 0, 0x20); // more fragments
    std::vector<uint8_t> ipv6 = Ipv4Frame(6, TCP_SYN);
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    std::vector<uint8_t> padded = Ipv4Frame(6, TCP_SYN);
    padded.resize(padded.size() + 6, 0);
    std::vector<uint8_t> badDataOffset = TCP_SYN;
    badDataOffset[12] = 0xf0;
    std::vector<uint8_t> ethernetOnly = Ipv4Frame(6, {});
    ethernetOnly.resize(14);
    std::vector<uint8_t> version6 = Ipv4Frame(6, TCP_SYN);
    version6[14] = 0x65;

    std::vector<Case> cases = {
        {"a TCP SYN to the VIP passes", Ipv4Frame(6, TCP_SYN), FRAME_OK},
        {"Ethernet padding after the IPv4 total length passes", padded, FRAME_OK},
        {"a whole ARP request passes", arp, FRAME_OK},
        {"a 10-byte frame is a runt", std::vector<uint8_t>(10, 0), FRAME_RUNT},
        {"a frame of MTU + 15 bytes is oversized",
         Ipv4Frame(17, std::vector<uint8_t>(1500 - 20 + 1, 0)),
         FRAME_OVERSIZED},
        {"an IPv4 header with a wrong checksum is bad", badChecksum, FRAME_BAD_IPV4},
        {"version 6 behind the IPv4 EtherType is bad", version6, FRAME_BAD_IPV4},
        {"a total length beyond the frame is truncated",
         Ipv4Frame(6, TCP_SYN, 1400),
         FRAME_TRUNCATED_IPV4},
        {"an Ethernet header alone is truncated IPv4", ethernetOnly, FRAME_TRUNCATED_IPV4},
        {"6 bytes of TCP header are a bad transport header",
         Ipv4Frame(6, std::vector<uint8_t>(TCP_SYN.begin(), TCP_SYN.begin() + 6)),
         FRAME_BAD_TRANSPORT},
        {"a TCP data offset past the segment is a bad transport header",
         Ipv4Frame(6, badDataOffset),
         FRAME_BAD_TRANSPORT},
        {"a UDP length above the payload is a bad transport header",
         Ipv4Frame(17, {0, 53, 0, 53, 0, 40, 0, 0}),
         FRAME_BAD_TRANSPORT},
        {"a fragment is dropped", fragment, FRAME_IPV4_FRAGMENT},
        {"ARP cut to 10 bytes is bad", shortArp, FRAME_BAD_ARP},
        {"IPv6 is unsupported", ipv6, FRAME_UNSUPPORTED_TYPE},
    };

    int failures = 0;
    for (const Case& c : cases)
    {
        FrameVerdict verdict = CheckEthernetFrame(c.frame.data(), c.frame.size(), 1500);
        bool ok = verdict == c.expected;
        std::printf("%s: %s (%s)\n", ok ? "PASS" : "FAIL", c.what, FrameVerdictName(verdict));
        failures += ok ? 0 : 1;
    }

    // Known TCP checksum of the SYN above between 10.200.0.10 and 10.200.1.1, computed by hand
    // from the pseudo-header (0x0ac8 0x000a 0x0ac8 0x0101 0x0006 0x0014) and the segment.
    std::vector<uint8_t> syn = Ipv4Frame(6, TCP_SYN);
    syn[14 + 20 + 16] = 0x12; // a partial sum, as checksum offload leaves it
    syn[14 + 20 + 17] = 0x34;
    bool completed = CompleteTransportChecksum(syn.data(), syn.size());
    uint16_t checksum = static_cast<uint16_t>((syn[14 + 20 + 16] << 8) | syn[14 + 20 + 17]);
    bool ok = completed && checksum == 0x8aa6;
    std::printf("%s: an offloaded TCP checksum is completed (0x%04x)\n",
                ok ? "PASS" : "FAIL",
                checksum);
    failures += ok ? 0 : 1;

    std::printf("%d checks failed\n", failures);
    return failures == 0 ? 0 : 1;
}
