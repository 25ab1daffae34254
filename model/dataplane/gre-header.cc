/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "gre-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GreHeader");

NS_OBJECT_ENSURE_REGISTERED(GreHeader);

namespace
{
constexpr uint16_t CHECKSUM_PRESENT_BIT = 0x8000; //!< C bit in the first 16-bit word
constexpr uint16_t RESERVED0_MASK = 0x7ff8;       //!< the 12 reserved bits
constexpr uint16_t VERSION_MASK = 0x0007;         //!< the 3 version bits
} // namespace

TypeId
GreHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GreHeader")
                            .SetParent<Header>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<GreHeader>();
    return tid;
}

GreHeader::GreHeader() = default;

TypeId
GreHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
GreHeader::Print(std::ostream& os) const
{
    os << "GRE protocol=0x" << std::hex << m_protocolType << std::dec
       << " version=" << static_cast<uint32_t>(m_version);
    if (m_checksumPresent)
    {
        os << " checksum=0x" << std::hex << m_checksum << std::dec;
    }
}

uint32_t
GreHeader::GetSerializedSize() const
{
    return m_checksumPresent ? 8 : 4;
}

void
GreHeader::Serialize(Buffer::Iterator start) const
{
    uint16_t flags = m_checksumPresent ? CHECKSUM_PRESENT_BIT : 0;
    start.WriteHtonU16(flags);
    start.WriteHtonU16(m_protocolType);
    if (m_checksumPresent)
    {
        start.WriteHtonU16(m_checksum);
        start.WriteHtonU16(0);
    }
}

uint32_t
GreHeader::Deserialize(Buffer::Iterator start)
{
    uint16_t flags = start.ReadNtohU16();
    m_checksumPresent = (flags & CHECKSUM_PRESENT_BIT) != 0;
    m_reserved0 = flags & RESERVED0_MASK;
    m_version = flags & VERSION_MASK;
    m_protocolType = start.ReadNtohU16();
    if (m_checksumPresent)
    {
        m_checksum = start.ReadNtohU16();
        start.ReadNtohU16();
    }
    return GetSerializedSize();
}

void
GreHeader::SetProtocolType(uint16_t protocolType)
{
    m_protocolType = protocolType;
}

uint16_t
GreHeader::GetProtocolType() const
{
    return m_protocolType;
}

void
GreHeader::SetChecksumPresent(bool present)
{
    m_checksumPresent = present;
}

bool
GreHeader::IsChecksumPresent() const
{
    return m_checksumPresent;
}

void
GreHeader::SetChecksum(uint16_t checksum)
{
    m_checksum = checksum;
}

uint16_t
GreHeader::GetChecksum() const
{
    return m_checksum;
}

uint8_t
GreHeader::GetVersion() const
{
    return m_version;
}

bool
GreHeader::IsValid() const
{
    return m_version == 0 && m_reserved0 == 0;
}

} // namespace ns3
