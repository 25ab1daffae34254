/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "checked-fd-net-device.h"

#include "ns3/log.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CheckedFdNetDevice");

NS_OBJECT_ENSURE_REGISTERED(CheckedFdNetDevice);

namespace
{

/// Bytes of the reader's buffer: more than the largest frame a tap or packet socket returns.
constexpr std::size_t READ_BUFFER = 65536 + 64;

/**
 * \ingroup marl-lb
 * \brief Reads frames for CheckedFdNetDevice and lets only well-formed ones through.
 */
class CheckedFdReader : public FdReader
{
  public:
    /**
     * \brief Creates a reader.
     * \param counters where to count frames
     * \param mtu the device's MTU
     * \param packetSocket true if the descriptor is an AF_PACKET socket
     */
    CheckedFdReader(std::shared_ptr<CheckedFdNetDevice::FrameCounters> counters,
                    uint16_t mtu,
                    bool packetSocket)
        : m_counters(std::move(counters)),
          m_mtu(mtu),
          m_packetSocket(packetSocket)
    {
    }

  private:
    FdReader::Data DoRead() override;

    /**
     * \brief Reads one frame from a packet socket with its auxiliary data.
     * \param buffer where to put it
     * \param checksumNotReady [out] true if the kernel left the transport checksum to offload
     * \return bytes read, or -1
     */
    ssize_t ReadPacketSocket(uint8_t* buffer, bool& checksumNotReady);

    std::shared_ptr<CheckedFdNetDevice::FrameCounters> m_counters; //!< counters of the device
    uint16_t m_mtu;                                                //!< the device's MTU
    bool m_packetSocket;                                           //!< AF_PACKET, not a tap
};

ssize_t
CheckedFdReader::ReadPacketSocket(uint8_t* buffer, bool& checksumNotReady)
{
    struct iovec vector = {buffer, READ_BUFFER};
    union
    {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control;
    struct msghdr message;
    std::memset(&message, 0, sizeof(message));
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = &control;
    message.msg_controllen = sizeof(control);
    ssize_t length = recvmsg(m_fd, &message, MSG_TRUNC);
    checksumNotReady = false;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c))
    {
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
        {
            struct tpacket_auxdata auxiliary;
            std::memcpy(&auxiliary, CMSG_DATA(c), sizeof(auxiliary));
            checksumNotReady = (auxiliary.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
        }
    }
    return length;
}

FdReader::Data
CheckedFdReader::DoRead()
{
    auto buffer = static_cast<uint8_t*>(std::malloc(READ_BUFFER));
    NS_ABORT_MSG_IF(buffer == nullptr, "CheckedFdNetDevice: out of memory for a read buffer");
    bool checksumNotReady = false;
    ssize_t length = m_packetSocket ? ReadPacketSocket(buffer, checksumNotReady)
                                    : read(m_fd, buffer, READ_BUFFER);
    if (length < 0)
    {
        int error = errno;
        std::free(buffer);
        m_counters->readErrors++;
        if (error == EINTR || error == EAGAIN || error == ENETDOWN || error == ENOBUFS)
        {
            return FdReader::Data(nullptr, -1);
        }
        NS_LOG_ERROR("reading the device failed (" << std::strerror(error)
                                                   << "); the device stops receiving");
        return FdReader::Data(nullptr, 0);
    }
    if (length == 0)
    {
        std::free(buffer);
        NS_LOG_ERROR("the device's file descriptor reached its end; the device stops receiving");
        return FdReader::Data(nullptr, 0);
    }

    // A packet socket reports the whole length of a frame larger than the buffer (MSG_TRUNC).
    std::size_t size = static_cast<std::size_t>(length);
    FrameVerdict verdict =
        size > READ_BUFFER ? FRAME_OVERSIZED : CheckEthernetFrame(buffer, size, m_mtu);
    if (verdict != FRAME_OK)
    {
        std::free(buffer);
        m_counters->dropped[verdict]++;
        NS_LOG_LOGIC("dropped a frame of " << size << " bytes: " << FrameVerdictName(verdict));
        return FdReader::Data(nullptr, -1);
    }
    if (checksumNotReady && CompleteTransportChecksum(buffer, size))
    {
        m_counters->checksumsCompleted++;
    }
    m_counters->accepted++;
    return FdReader::Data(buffer, length);
}

} // namespace

TypeId
CheckedFdNetDevice::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CheckedFdNetDevice")
                            .SetParent<FdNetDevice>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<CheckedFdNetDevice>();
    return tid;
}

CheckedFdNetDevice::CheckedFdNetDevice()
    : m_counters(std::make_shared<FrameCounters>())
{
    NS_LOG_FUNCTION(this);
}

void
CheckedFdNetDevice::SetPacketSocket(bool packetSocket)
{
    NS_LOG_FUNCTION(this << packetSocket);
    m_packetSocket = packetSocket;
}

uint64_t
CheckedFdNetDevice::GetAcceptedFrames() const
{
    return m_counters->accepted;
}

uint64_t
CheckedFdNetDevice::GetDroppedFrames(FrameVerdict verdict) const
{
    NS_ASSERT(verdict < FRAME_VERDICT_COUNT);
    return m_counters->dropped[verdict];
}

uint64_t
CheckedFdNetDevice::GetCompletedChecksums() const
{
    return m_counters->checksumsCompleted;
}

uint64_t
CheckedFdNetDevice::GetReadErrors() const
{
    return m_counters->readErrors;
}

Ptr<FdReader>
CheckedFdNetDevice::DoCreateFdReader()
{
    NS_LOG_FUNCTION(this);
    return Create<CheckedFdReader>(m_counters, GetMtu(), m_packetSocket);
}

} // namespace ns3
