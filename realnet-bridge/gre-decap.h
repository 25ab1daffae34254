/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_GRE_DECAP_H
#define MARL_LB_GRE_DECAP_H

#include <cstddef>
#include <cstdint>

/**
 * \file
 * \ingroup marl-lb
 * Checks and strips the GRE encapsulation of a datagram received on a raw IPv4 socket for
 * IP protocol 47, for the user-space GRE endpoint (gre-endpoint.cc) of the real testbed.
 *
 * This code has no ns-3 dependency: the endpoint runs in a server's network namespace as a
 * plain program.
 */

namespace marllb
{

/// Outcome of DecapsulateGre(); every value but GRE_DECAP_OK is a drop cause.
enum GreDecapResult
{
    GRE_DECAP_OK,               //!< the inner IPv4 packet is valid
    GRE_DECAP_BAD_OUTER_IPV4,   //!< outer header not IPv4, too short, or a fragment
    GRE_DECAP_NOT_GRE,          //!< outer protocol is not 47
    GRE_DECAP_TRUNCATED_GRE,    //!< shorter than the GRE header its flags announce
    GRE_DECAP_BAD_GRE_FLAGS,    //!< non-zero version or reserved bits (RFC 2784 section 2)
    GRE_DECAP_NOT_IPV4_PAYLOAD, //!< protocol type other than 0x0800
    GRE_DECAP_BAD_GRE_CHECKSUM, //!< C bit set and the checksum does not verify
    GRE_DECAP_BAD_INNER_IPV4,   //!< payload is not a whole IPv4 packet
    GRE_DECAP_RESULT_COUNT,     //!< number of results
};

/**
 * \brief Names a result for counters and messages.
 * \param result the result
 * \return a lower-case name, such as "bad-gre-flags"
 */
const char* GreDecapResultName(GreDecapResult result);

/// Position and length of the inner packet in a decapsulated datagram.
struct GreDecapView
{
    const uint8_t* inner{nullptr}; //!< first byte of the inner IPv4 header
    std::size_t innerLength{0};    //!< the inner packet's total length, padding excluded
    bool checksumPresent{false};   //!< the GRE header carried a checksum (C bit)
};

/**
 * \brief Validates an IPv4 datagram carrying GRE and finds its inner IPv4 packet.
 *
 * The checks run in this order:
 * - the outer IPv4 header: version 4, header length of at least 20 bytes, total length within
 *   the buffer, not a fragment;
 * - protocol 47;
 * - the GRE header of RFC 2784: version and every reserved bit zero, the optional checksum
 *   when the C bit is set, protocol type 0x0800;
 * - the inner IPv4 header: version 4, header length and total length within the payload.
 * Bytes after the outer total length, and after the inner total length, are
 * padding and ignored.
 *
 * \param datagram the datagram, outer IPv4 header first, as a raw IPv4 socket returns it
 * \param length its length in bytes
 * \param view [out] the inner packet, set only when the result is GRE_DECAP_OK
 * \return GRE_DECAP_OK, or why the datagram must be dropped
 */
GreDecapResult DecapsulateGre(const uint8_t* datagram, std::size_t length, GreDecapView& view);

/**
 * \brief Computes the Internet checksum (RFC 1071) of a byte range.
 * \param data first byte
 * \param length number of bytes
 * \return the one's complement of the one's complement sum, in host byte order
 */
uint16_t InternetChecksum(const uint8_t* data, std::size_t length);

} // namespace marllb

#endif // MARL_LB_GRE_DECAP_H
