/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_GRE_HEADER_H
#define MARL_LB_GRE_HEADER_H

#include "ns3/header.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Generic Routing Encapsulation header as in RFC 2784.
 *
 * The fixed part is 4 bytes: the checksum-present bit C, 12 reserved bits that must be zero,
 * a 3-bit version that must be zero, and the protocol type of the payload (0x0800 for IPv4).
 * When C is set, a 16-bit checksum over header and payload and 16 reserved bits follow.
 *
 * Deserialization never aborts on bad input: it records what was wrong, and IsValid() tells
 * the receiver whether to drop the packet.
 */
class GreHeader : public Header
{
  public:
    /// Protocol type of an IPv4 payload.
    static constexpr uint16_t PROTOCOL_IPV4 = 0x0800;
    /// IP protocol number of GRE.
    static constexpr uint8_t IP_PROTOCOL_NUMBER = 47;

    GreHeader();

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;

    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    /// \param protocolType EtherType of the payload
    void SetProtocolType(uint16_t protocolType);
    /// \return EtherType of the payload
    uint16_t GetProtocolType() const;

    /**
     * \brief Sets whether the optional checksum field is present.
     *
     * The header does not compute the checksum: the sender sets it with SetChecksum() (the
     * Internet checksum over the GRE header and payload, RFC 2784 section 2.5).
     * \param present true to send the 4-byte checksum field
     */
    void SetChecksumPresent(bool present);
    /// \return true if the checksum field is present
    bool IsChecksumPresent() const;
    /// \param checksum the value of the checksum field, in host byte order
    void SetChecksum(uint16_t checksum);
    /// \return the value of the checksum field, in host byte order
    uint16_t GetChecksum() const;

    /// \return the version field (0 for RFC 2784)
    uint8_t GetVersion() const;
    /// \return true if the reserved bits and the version read by Deserialize were zero
    bool IsValid() const;

  private:
    uint16_t m_protocolType{PROTOCOL_IPV4}; //!< EtherType of the payload
    bool m_checksumPresent{false};          //!< C bit
    uint16_t m_checksum{0};                 //!< checksum field, if present
    uint8_t m_version{0};                   //!< version field as read
    uint16_t m_reserved0{0};                //!< reserved bits as read (must be zero)
};

} // namespace ns3

#endif // MARL_LB_GRE_HEADER_H
