/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Unit test of the user-space GRE endpoint's parser (DecapsulateGre): a known GRE datagram
 * decapsulates byte for byte, with and without the checksum field, and each kind of malformed
 * datagram is rejected with its own cause. Exits with 0 when every check passes.
 */

#include "gre-decap.h"

#include <cstdio>
#include <vector>

namespace
{

int g_failures = 0; //!< checks that failed

/**
 * Records one check.
 * \param ok whether it passed
 * \param what what was checked
 */
void
Check(bool ok, const char* what)
{
    std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok)
    {
        g_failures++;
    }
}

/// A TCP SYN from 10.200.0.10:40000 to the VIP 10.200.1.1:80, as a client sends it.
const std::vector<uint8_t> INNER_SYN = {
    0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, // IPv4
    0x0a, 0xc8, 0x00, 0x0a, 0x0a, 0xc8, 0x01, 0x01,                         // addresses
    0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // TCP
    0x50, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00,                         // SYN
};

/**
 * Builds a datagram: outer IPv4 header (LB 10.200.0.2 to server 10.200.0.101, protocol 47),
 * GRE header and payload, with the outer total length set.
 * \param gre the GRE header bytes
 * \param payload the payload
 * \param padding bytes appended after the outer total length
 * \return the datagram
 */
std::vector<uint8_t>
Build(const std::vector<uint8_t>& gre, const std::vector<uint8_t>& payload, std::size_t padding)
{
    std::vector<uint8_t> datagram = {0x45, 0x00, 0x00, 0x00, 0xab, 0xcd, 0x00, 0x00, 0x40, 47,
                                     0x00, 0x00, 0x0a, 0xc8, 0x00, 0x02, 0x0a, 0xc8, 0x00, 0x65};
    datagram.insert(datagram.end(), gre.begin(), gre.end());
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    std::size_t total = datagram.size();
    datagram[2] = static_cast<uint8_t>(total >> 8);
    datagram[3] = static_cast<uint8_t>(total & 0xff);
    datagram.resize(total + padding, 0xee);
    return datagram;
}

/**
 * Decapsulates and compares the inner packet with INNER_SYN byte for byte.
 * \param datagram the datagram
 * \return true if the result is OK and the bytes match
 */
bool
DecapsulatesToSyn(const std::vector<uint8_t>& datagram)
{
    marllb::GreDecapView view;
    if (marllb::DecapsulateGre(datagram.data(), datagram.size(), view) != marllb::GRE_DECAP_OK)
    {
        return false;
    }
    return std::vector<uint8_t>(view.inner, view.inner + view.innerLength) == INNER_SYN;
}

/**
 * \param datagram the datagram
 * \return the result of DecapsulateGre
 */
marllb::GreDecapResult
Result(const std::vector<uint8_t>& datagram)
{
    marllb::GreDecapView view;
    return marllb::DecapsulateGre(datagram.data(), datagram.size(), view);
}

} // namespace

int
main()
{
    const std::vector<uint8_t> plainGre = {0x00, 0x00, 0x08, 0x00};

    Check(DecapsulatesToSyn(Build(plainGre, INNER_SYN, 0)),
          "a GRE datagram without checksum yields the inner SYN byte for byte");
    Check(DecapsulatesToSyn(Build(plainGre, INNER_SYN, 6)),
          "Ethernet padding after the outer total length is ignored");
    std::vector<uint8_t> paddedInner = INNER_SYN;
    paddedInner.resize(INNER_SYN.size() + 4, 0);
    Check(DecapsulatesToSyn(Build(plainGre, paddedInner, 0)),
          "bytes after the inner total length are not written to the TUN device");

    // Checksum over GRE header and payload, computed with the field at zero (RFC 2784 2.5).
    std::vector<uint8_t> checksumGre = {0x80, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00};
    std::vector<uint8_t> covered = checksumGre;
    covered.insert(covered.end(), INNER_SYN.begin(), INNER_SYN.end());
    uint16_t checksum = marllb::InternetChecksum(covered.data(), covered.size());
    checksumGre[4] = static_cast<uint8_t>(checksum >> 8);
    checksumGre[5] = static_cast<uint8_t>(checksum & 0xff);
    std::vector<uint8_t> withChecksum = Build(checksumGre, INNER_SYN, 0);
    Check(DecapsulatesToSyn(withChecksum), "the C bit adds a 4-byte field that is stripped");
    withChecksum[25] ^= 0x01;
    Check(Result(withChecksum) == marllb::GRE_DECAP_BAD_GRE_CHECKSUM,
          "a wrong GRE checksum is rejected");

    Check(Result(Build({0x00, 0x01, 0x08, 0x00}, INNER_SYN, 0)) == marllb::GRE_DECAP_BAD_GRE_FLAGS,
          "a non-zero version is rejected");
    Check(Result(Build({0x40, 0x00, 0x08, 0x00}, INNER_SYN, 0)) == marllb::GRE_DECAP_BAD_GRE_FLAGS,
          "a non-zero reserved bit (the routing bit of RFC 1701) is rejected");
    Check(Result(Build({0x00, 0x08, 0x08, 0x00}, INNER_SYN, 0)) == marllb::GRE_DECAP_BAD_GRE_FLAGS,
          "the last reserved bit is checked too");
    Check(Result(Build({0x00, 0x00, 0x86, 0xdd}, INNER_SYN, 0))
              == marllb::GRE_DECAP_NOT_IPV4_PAYLOAD,
          "an IPv6 payload type is rejected");
    Check(Result(Build({0x00, 0x00}, {}, 0)) == marllb::GRE_DECAP_TRUNCATED_GRE,
          "a GRE header cut to 2 bytes is rejected");
    Check(Result(Build({0x80, 0x00, 0x08, 0x00}, {}, 0)) == marllb::GRE_DECAP_TRUNCATED_GRE,
          "the C bit without room for the checksum is rejected");

    std::vector<uint8_t> cutInner(INNER_SYN.begin(), INNER_SYN.begin() + 30);
    Check(Result(Build(plainGre, cutInner, 0)) == marllb::GRE_DECAP_BAD_INNER_IPV4,
          "an inner packet shorter than its total length is rejected");
    std::vector<uint8_t> notIpv4 = INNER_SYN;
    notIpv4[0] = 0x65;
    Check(Result(Build(plainGre, notIpv4, 0)) == marllb::GRE_DECAP_BAD_INNER_IPV4,
          "an inner packet that is not IPv4 is rejected");

    std::vector<uint8_t> notGre = Build(plainGre, INNER_SYN, 0);
    notGre[9] = 17;
    Check(Result(notGre) == marllb::GRE_DECAP_NOT_GRE,
          "a datagram of another protocol is rejected");
    std::vector<uint8_t> fragment = Build(plainGre, INNER_SYN, 0);
    fragment[6] = 0x20;
    Check(Result(fragment) == marllb::GRE_DECAP_BAD_OUTER_IPV4, "an outer fragment is rejected");
    std::vector<uint8_t> longer = Build(plainGre, INNER_SYN, 0);
    longer[3] = static_cast<uint8_t>(longer[3] + 1);
    Check(Result(longer) == marllb::GRE_DECAP_BAD_OUTER_IPV4,
          "an outer total length beyond the datagram is rejected");
    Check(Result(std::vector<uint8_t>(10, 0x45)) == marllb::GRE_DECAP_BAD_OUTER_IPV4,
          "10 bytes are rejected");

    std::printf("%d checks failed\n", g_failures);
    return g_failures == 0 ? 0 : 1;
}
