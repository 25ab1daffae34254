/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Unit tests of the GRE header (RFC 2784): wire bytes, round trips through a packet, and the
// validity check on received version and reserved bits.

#include "ns3/gre-header.h"
#include "ns3/packet.h"
#include "ns3/test.h"

#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Payload carried behind the GRE header in the round-trip tests.
const std::vector<uint8_t> PAYLOAD = {0x45, 0x00, 0x00, 0x1c, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02};

/**
 * Formats bytes as hexadecimal pairs separated by spaces, for failure messages.
 * \param bytes the bytes
 * \return text such as "80 00 08 00"
 */
std::string
ToHex(const std::vector<uint8_t>& bytes)
{
    std::ostringstream text;
    for (std::size_t i = 0; i < bytes.size(); ++i)
    {
        text << (i > 0 ? " " : "") << std::hex << std::setw(2) << std::setfill('0')
             << static_cast<uint32_t>(bytes[i]);
    }
    return text.str();
}

/**
 * Copies the bytes of a packet.
 * \param packet the packet
 * \return its bytes, in wire order
 */
std::vector<uint8_t>
PacketBytes(Ptr<const Packet> packet)
{
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * A header written into a packet has RFC 2784's bytes and reads back unchanged.
 */
class GreRoundTripTestCase : public TestCase
{
  public:
    GreRoundTripTestCase()
        : TestCase("GRE round trip keeps RFC 2784 bytes")
    {
    }

  private:
    /// One header to write and the bytes expected on the wire.
    struct Case
    {
        std::string description;       //!< what the case covers
        bool checksumPresent;          //!< C bit
        uint16_t checksum;             //!< checksum field, used when checksumPresent
        uint16_t protocolType;         //!< EtherType of the payload
        std::vector<uint8_t> expected; //!< serialized header
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"plain IPv4", false, 0, GreHeader::PROTOCOL_IPV4, {0x00, 0x00, 0x08, 0x00}},
            {"plain IPv6", false, 0, 0x86dd, {0x00, 0x00, 0x86, 0xdd}},
            {"IPv4 with checksum 0xbeef",
             true,
             0xbeef,
             GreHeader::PROTOCOL_IPV4,
             {0x80, 0x00, 0x08, 0x00, 0xbe, 0xef, 0x00, 0x00}},
            {"IPv4 with checksum 0x0001",
             true,
             0x0001,
             GreHeader::PROTOCOL_IPV4,
             {0x80, 0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00}},
        };

        for (const auto& c : cases)
        {
            GreHeader written;
            written.SetProtocolType(c.protocolType);
            written.SetChecksumPresent(c.checksumPresent);
            written.SetChecksum(c.checksum);
            Ptr<Packet> packet = Create<Packet>(PAYLOAD.data(), PAYLOAD.size());
            packet->AddHeader(written);

            NS_TEST_ASSERT_MSG_EQ(written.GetSerializedSize(),
                                  c.expected.size(),
                                  c.description << ": header size");
            NS_TEST_ASSERT_MSG_EQ(packet->GetSize(),
                                  c.expected.size() + PAYLOAD.size(),
                                  c.description << ": packet size after AddHeader");
            std::vector<uint8_t> bytes = PacketBytes(packet);
            // The runner continues after a failed check by default, so a short packet must not
            // reach the byte comparisons below.
            if (bytes.size() < c.expected.size())
            {
                continue;
            }
            std::vector<uint8_t> headerBytes(bytes.begin(), bytes.begin() + c.expected.size());
            std::vector<uint8_t> payloadBytes(bytes.begin() + c.expected.size(), bytes.end());
            NS_TEST_ASSERT_MSG_EQ(ToHex(headerBytes),
                                  ToHex(c.expected),
                                  c.description << ": serialized header bytes");
            NS_TEST_ASSERT_MSG_EQ(ToHex(payloadBytes),
                                  ToHex(PAYLOAD),
                                  c.description << ": payload bytes behind the header");

            GreHeader read;
            uint32_t consumed = packet->RemoveHeader(read);
            NS_TEST_ASSERT_MSG_EQ(consumed,
                                  c.expected.size(),
                                  c.description << ": bytes consumed by RemoveHeader");
            NS_TEST_ASSERT_MSG_EQ(read.GetProtocolType(),
                                  c.protocolType,
                                  c.description << ": protocol type read back");
            NS_TEST_ASSERT_MSG_EQ(read.IsChecksumPresent(),
                                  c.checksumPresent,
                                  c.description << ": C bit read back");
            if (c.checksumPresent)
            {
                NS_TEST_ASSERT_MSG_EQ(read.GetChecksum(),
                                      c.checksum,
                                      c.description << ": checksum read back");
            }
            NS_TEST_ASSERT_MSG_EQ(static_cast<uint32_t>(read.GetVersion()),
                                  0,
                                  c.description << ": version read back");
            NS_TEST_ASSERT_MSG_EQ(read.IsValid(),
                                  true,
                                  c.description << ": a header we wrote must be valid");
            NS_TEST_ASSERT_MSG_EQ(ToHex(PacketBytes(packet)),
                                  ToHex(PAYLOAD),
                                  c.description << ": payload left after RemoveHeader");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Received bytes with a non-zero version or reserved bit give an invalid header.
 */
class GreValidityTestCase : public TestCase
{
  public:
    GreValidityTestCase()
        : TestCase("GRE version or reserved bits invalid")
    {
    }

  private:
    /// Raw bytes as received and what the header must report.
    struct Case
    {
        std::string description;  //!< what the case covers
        std::vector<uint8_t> raw; //!< received bytes, header first
        uint32_t expectedSize;    //!< bytes that PeekHeader must consume
        bool checksumPresent;     //!< expected C bit
        uint32_t version;         //!< expected version field
        uint16_t protocolType;    //!< expected protocol type
        bool valid;               //!< expected IsValid()
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"all flags zero", {0x00, 0x00, 0x08, 0x00}, 4, false, 0, 0x0800, true},
            {"checksum present",
             {0x80, 0x00, 0x08, 0x00, 0x12, 0x34, 0x00, 0x00},
             8,
             true,
             0,
             0x0800,
             true},
            {"version 1", {0x00, 0x01, 0x88, 0x0b}, 4, false, 1, 0x880b, false},
            {"version 7", {0x00, 0x07, 0x08, 0x00}, 4, false, 7, 0x0800, false},
            {"checksum present and version 2",
             {0x80, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00},
             8,
             true,
             2,
             0x0800,
             false},
            {"routing-present bit of RFC 1701 (first reserved bit)",
             {0x40, 0x00, 0x08, 0x00},
             4,
             false,
             0,
             0x0800,
             false},
            {"key-present bit of RFC 2890", {0x20, 0x00, 0x08, 0x00}, 4, false, 0, 0x0800, false},
            {"last reserved bit", {0x00, 0x08, 0x08, 0x00}, 4, false, 0, 0x0800, false},
            {"every reserved bit", {0x7f, 0xf8, 0x08, 0x00}, 4, false, 0, 0x0800, false},
        };

        for (const auto& c : cases)
        {
            Ptr<Packet> packet = Create<Packet>(c.raw.data(), c.raw.size());
            GreHeader header;
            uint32_t consumed = packet->PeekHeader(header);

            NS_TEST_ASSERT_MSG_EQ(consumed, c.expectedSize, c.description << ": bytes consumed");
            NS_TEST_ASSERT_MSG_EQ(header.IsChecksumPresent(),
                                  c.checksumPresent,
                                  c.description << ": C bit");
            NS_TEST_ASSERT_MSG_EQ(static_cast<uint32_t>(header.GetVersion()),
                                  c.version,
                                  c.description << ": version field");
            NS_TEST_ASSERT_MSG_EQ(header.GetProtocolType(),
                                  c.protocolType,
                                  c.description << ": protocol type");
            NS_TEST_ASSERT_MSG_EQ(header.IsValid(), c.valid, c.description << ": IsValid()");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of GreHeader.
 */
class GreHeaderTestSuite : public TestSuite
{
  public:
    GreHeaderTestSuite()
        : TestSuite("marl-lb-gre-header", UNIT)
    {
        AddTestCase(new GreRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new GreValidityTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static GreHeaderTestSuite g_greHeaderTestSuite;
