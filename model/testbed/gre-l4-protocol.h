/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_GRE_L4_PROTOCOL_H
#define MARL_LB_GRE_L4_PROTOCOL_H

#include "ns3/ip-l4-protocol.h"
#include "ns3/traced-callback.h"

#include <array>

namespace ns3
{

class Node;
class VirtualNetDevice;

/**
 * \ingroup marl-lb
 * \brief GRE tunnel endpoint of an application server: IP protocol 47 in, IPv4 out.
 *
 * It takes the GRE packets that load balancers send to the server's own address, checks and
 * removes the GRE header, and hands the inner IPv4 packet to a VirtualNetDevice of the node
 * that has the VIP, as a Linux GRE interface with the VIP on it would. The node's IPv4 stack
 * then delivers the client's packet to the local TCP with the VIP as local address, and the
 * reply leaves from the VIP straight to the client (direct server return).
 *
 * Malformed GRE packets (bad version or reserved bits, a payload other than IPv4, a
 * truncated header) are counted by cause and dropped.
 */
class GreL4Protocol : public IpL4Protocol
{
  public:
    /// Cause of a dropped GRE packet.
    enum DropReason
    {
        DROP_TRUNCATED,    //!< shorter than a GRE header plus an IPv4 header
        DROP_BAD_HEADER,   //!< non-zero version or reserved bits
        DROP_NOT_IPV4,     //!< protocol type other than 0x0800
        DROP_NO_DEVICE,    //!< no tunnel device is set
        DROP_REASON_COUNT, //!< number of reasons
    };

    /**
     * \brief TracedCallback signature for a dropped GRE packet.
     * \param [in] packet the packet after the outer IPv4 header
     * \param [in] reason one of DropReason
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet, int reason);

    /// IP protocol number of GRE.
    static const uint8_t PROT_NUMBER;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    GreL4Protocol();

    /**
     * \brief Sets the device that receives decapsulated packets and has the VIP.
     * \param device the tunnel device
     */
    void SetTunnelDevice(Ptr<VirtualNetDevice> device);
    /// \return the tunnel device
    Ptr<VirtualNetDevice> GetTunnelDevice() const;

    /// \return the number of packets decapsulated and delivered
    uint64_t GetDecapsulatedPackets() const;
    /**
     * \param reason one of DropReason
     * \return the number of packets dropped for that reason
     */
    uint64_t GetDroppedPackets(DropReason reason) const;

    int GetProtocolNumber() const override;
    RxStatus Receive(Ptr<Packet> p,
                     const Ipv4Header& header,
                     Ptr<Ipv4Interface> incomingInterface) override;
    RxStatus Receive(Ptr<Packet> p,
                     const Ipv6Header& header,
                     Ptr<Ipv6Interface> incomingInterface) override;
    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override;
    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override;
    IpL4Protocol::DownTargetCallback GetDownTarget() const override;
    IpL4Protocol::DownTargetCallback6 GetDownTarget6() const override;

  protected:
    void DoDispose() override;

  private:
    /**
     * \brief Counts and traces a drop.
     * \param packet the dropped packet
     * \param reason why
     * \return RX_ENDPOINT_UNREACH, for Receive to return
     */
    RxStatus Drop(Ptr<const Packet> packet, DropReason reason);

    Ptr<VirtualNetDevice> m_device;                    //!< holds the VIP
    IpL4Protocol::DownTargetCallback m_downTarget;     //!< IPv4 send path
    IpL4Protocol::DownTargetCallback6 m_downTarget6;   //!< IPv6 send path
    uint64_t m_decapsulated{0};                        //!< packets delivered
    std::array<uint64_t, DROP_REASON_COUNT> m_drops{}; //!< packets dropped, by reason

    TracedCallback<Ptr<const Packet>> m_decapsulateTrace; //!< inner packet delivered
    TracedCallback<Ptr<const Packet>, int> m_dropTrace;   //!< packet dropped
};

} // namespace ns3

#endif // MARL_LB_GRE_L4_PROTOCOL_H
