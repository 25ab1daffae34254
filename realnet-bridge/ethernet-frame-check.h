/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_ETHERNET_FRAME_CHECK_H
#define MARL_LB_ETHERNET_FRAME_CHECK_H

#include <cstddef>
#include <cstdint>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief What CheckEthernetFrame() found in a frame read from a real interface.
 *
 * Every value but FRAME_OK is a reason to drop the frame before ns-3's stack parses it: ns-3's
 * headers trust their input, and a frame read from a tap device or a packet socket can be
 * anything.
 */
enum FrameVerdict
{
    FRAME_OK,               //!< well-formed: IPv4 or ARP that ns-3 can parse
    FRAME_RUNT,             //!< shorter than an Ethernet header
    FRAME_OVERSIZED,        //!< longer than the device MTU plus the Ethernet header
    FRAME_BAD_IPV4,         //!< IPv4 header with a wrong version, length or checksum
    FRAME_TRUNCATED_IPV4,   //!< IPv4 total length beyond the end of the frame
    FRAME_BAD_TRANSPORT,    //!< TCP, UDP or ICMP header missing or inconsistent
    FRAME_IPV4_FRAGMENT,    //!< an IPv4 fragment: the load balancer takes whole packets only
    FRAME_BAD_ARP,          //!< ARP that is not Ethernet/IPv4 or is cut short
    FRAME_UNSUPPORTED_TYPE, //!< another EtherType (IPv6, VLAN tag, 802.3 length, ...)
    FRAME_VERDICT_COUNT,    //!< number of verdicts
};

/**
 * \brief Names a verdict for counters and messages.
 * \param verdict the verdict
 * \return a lower-case name, such as "truncated-ipv4"
 */
const char* FrameVerdictName(FrameVerdict verdict);

/**
 * \ingroup marl-lb
 * \brief Checks the framing of an Ethernet (DIX) frame read from a real interface.
 *
 * Accepts IPv4 and ARP only. An IPv4 frame needs version 4, a header of at least 20 bytes
 * inside the frame, a correct header checksum and a total length within the frame. Ethernet
 * padding after the total length is allowed. Fragments are dropped, and TCP, UDP and ICMP
 * need a transport header that fits.
 * For ARP: Ethernet hardware, IPv4 protocol, address lengths 6 and 4, and the whole body.
 *
 * \param frame first byte of the Ethernet header
 * \param length bytes read
 * \param mtu the device's MTU: frames longer than mtu + 14 bytes are oversized
 * \return FRAME_OK, or the reason to drop the frame
 */
FrameVerdict CheckEthernetFrame(const uint8_t* frame, std::size_t length, uint16_t mtu);

/**
 * \ingroup marl-lb
 * \brief Computes the TCP or UDP checksum of an IPv4 frame whose sender left it to the NIC.
 *
 * A packet socket can read frames that a local sender handed to a device with checksum
 * offload (the kernel marks them TP_STATUS_CSUMNOTREADY): their transport checksum holds only
 * the pseudo-header sum. The load balancer forwards packets unchanged, so it completes the
 * checksum first, or the server's kernel would drop the packet.
 * \param frame a frame that passed CheckEthernetFrame()
 * \param length its length
 * \return true if the frame was TCP or UDP and its checksum is now set
 */
bool CompleteTransportChecksum(uint8_t* frame, std::size_t length);

} // namespace ns3

#endif // MARL_LB_ETHERNET_FRAME_CHECK_H
