/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Writes malformed Ethernet frames onto an interface, to test that the emulated load balancer
 * counts and drops them (CheckedFdNetDevice).
 *
 * A frame sent on a tap device through an AF_PACKET socket is what the program holding the tap
 * reads. Every frame is broadcast, so it reaches the load balancer whatever its MAC address.
 *
 * Usage: marl-lb-frame-injector --interface=NAME --kind=KIND [--count=N] [--size=BYTES]
 * KIND: garbage (random bytes behind an IPv4 EtherType), truncated-ipv4 (a valid IPv4 header
 * whose total length runs past the frame), truncated-tcp (IPv4 with 6 bytes of TCP header),
 * bad-arp (an ARP body of 10 bytes), oversized (a well-formed IPv4 frame of --size bytes;
 * raise the interface MTU first).
 */

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace
{

/**
 * Starts a broadcast frame with an EtherType.
 * \param etherType the EtherType
 * \return the 14-byte header
 */
std::vector<uint8_t>
EthernetHeader(uint16_t etherType)
{
    return {0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0x02,
            0x00,
            0x00,
            0x00,
            0x00,
            0x99,
            static_cast<uint8_t>(etherType >> 8),
            static_cast<uint8_t>(etherType & 0xff)};
}

/**
 * Appends an IPv4 header with a correct checksum, from 10.200.0.250 to the VIP 10.200.1.1.
 * \param frame the frame
 * \param totalLength the header's total length field
 * \param protocol the protocol field
 */
void
AppendIpv4Header(std::vector<uint8_t>& frame, uint16_t totalLength, uint8_t protocol)
{
    uint8_t header[20] = {0x45,
                          0,
                          static_cast<uint8_t>(totalLength >> 8),
                          static_cast<uint8_t>(totalLength & 0xff),
                          0,
                          1,
                          0x40,
                          0,
                          64,
                          protocol,
                          0,
                          0,
                          10,
                          200,
                          0,
                          250,
                          10,
                          200,
                          1,
                          1};
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
    {
        sum += static_cast<uint32_t>((header[i] << 8) | header[i + 1]);
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    uint16_t checksum = static_cast<uint16_t>(~sum);
    header[10] = static_cast<uint8_t>(checksum >> 8);
    header[11] = static_cast<uint8_t>(checksum & 0xff);
    frame.insert(frame.end(), header, header + 20);
}

/**
 * Builds one frame of a kind.
 * \param kind the kind
 * \param size the frame size for "oversized"
 * \param sequence a number that varies the garbage
 * \param frame [out] the frame
 * \return false if the kind is unknown
 */
bool
BuildFrame(const std::string& kind,
           std::size_t size,
           uint32_t sequence,
           std::vector<uint8_t>& frame)
{
    if (kind == "garbage")
    {
        frame = EthernetHeader(0x0800);
        uint32_t state = 0x9e3779b9u + sequence;
        for (int i = 0; i < 46; ++i)
        {
            state = state * 1664525u + 1013904223u;
            frame.push_back(static_cast<uint8_t>(state >> 24));
        }
        frame[14] = 0xf7; // version 15: never IPv4
        return true;
    }
    if (kind == "truncated-ipv4")
    {
        frame = EthernetHeader(0x0800);
        AppendIpv4Header(frame, 1400, 6);
        frame.resize(frame.size() + 26, 0);
        return true;
    }
    if (kind == "truncated-tcp")
    {
        frame = EthernetHeader(0x0800);
        AppendIpv4Header(frame, 26, 6);
        uint8_t tcp[6] = {0x9c, 0x40, 0x00, 0x50, 0, 0};
        frame.insert(frame.end(), tcp, tcp + 6);
        return true;
    }
    if (kind == "bad-arp")
    {
        frame = EthernetHeader(0x0806);
        uint8_t arp[10] = {0, 1, 8, 0, 6, 4, 0, 1, 0, 0};
        frame.insert(frame.end(), arp, arp + 10);
        return true;
    }
    if (kind == "oversized")
    {
        frame = EthernetHeader(0x0800);
        AppendIpv4Header(frame, static_cast<uint16_t>(size - 14), 17);
        uint16_t udpLength = static_cast<uint16_t>(size - 34);
        uint8_t udp[8] = {0x9c,
                          0x40,
                          0x23,
                          0x28,
                          static_cast<uint8_t>(udpLength >> 8),
                          static_cast<uint8_t>(udpLength & 0xff),
                          0,
                          0};
        frame.insert(frame.end(), udp, udp + 8);
        frame.resize(size, 0x5a);
        return true;
    }
    return false;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string interface;
    std::string kind;
    unsigned long count = 1;
    unsigned long size = 4000;
    for (int i = 1; i < argc; ++i)
    {
        std::string argument = argv[i];
        if (argument.rfind("--interface=", 0) == 0)
        {
            interface = argument.substr(12);
        }
        else if (argument.rfind("--kind=", 0) == 0)
        {
            kind = argument.substr(7);
        }
        else if (argument.rfind("--count=", 0) == 0)
        {
            count = std::stoul(argument.substr(8));
        }
        else if (argument.rfind("--size=", 0) == 0)
        {
            size = std::stoul(argument.substr(7));
        }
        else
        {
            std::fprintf(stderr, "frame-injector: unknown argument '%s'\n", argument.c_str());
            return 2;
        }
    }
    std::vector<uint8_t> frame;
    if (interface.empty() || size < 64 || size > 65535 || !BuildFrame(kind, size, 0, frame))
    {
        std::fprintf(stderr,
                     "usage: %s --interface=NAME --kind=garbage|truncated-ipv4|truncated-tcp|"
                     "bad-arp|oversized [--count=N] [--size=64..65535]\n",
                     argv[0]);
        return 2;
    }
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0)
    {
        std::fprintf(stderr,
                     "frame-injector: cannot open a packet socket (%s); run as root\n",
                     std::strerror(errno));
        return 1;
    }
    struct sockaddr_ll link;
    std::memset(&link, 0, sizeof(link));
    link.sll_family = AF_PACKET;
    link.sll_ifindex = static_cast<int>(if_nametoindex(interface.c_str()));
    link.sll_halen = ETH_ALEN;
    if (link.sll_ifindex == 0)
    {
        std::fprintf(stderr, "frame-injector: no interface '%s' here\n", interface.c_str());
        close(fd);
        return 1;
    }
    for (unsigned long i = 0; i < count; ++i)
    {
        BuildFrame(kind, size, static_cast<uint32_t>(i), frame);
        if (sendto(fd,
                   frame.data(),
                   frame.size(),
                   0,
                   reinterpret_cast<sockaddr*>(&link),
                   sizeof(link))
            != static_cast<ssize_t>(frame.size()))
        {
            std::fprintf(stderr,
                         "frame-injector: sending a %s frame of %zu bytes failed (%s)\n",
                         kind.c_str(),
                         frame.size(),
                         std::strerror(errno));
            close(fd);
            return 1;
        }
        usleep(1000);
    }
    std::printf("frame-injector sent %lu %s frames of %zu bytes\n",
                count,
                kind.c_str(),
                frame.size());
    close(fd);
    return 0;
}
