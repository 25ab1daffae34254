/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_CHECKED_FD_NET_DEVICE_H
#define MARL_LB_CHECKED_FD_NET_DEVICE_H

#include "ethernet-frame-check.h"

#include "ns3/fd-net-device.h"

#include <array>
#include <atomic>
#include <memory>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief An FdNetDevice that checks every frame it reads before ns-3's stack parses it.
 *
 * The device reads a tap device or an AF_PACKET socket, like FdNetDevice, but its reader
 * thread runs CheckEthernetFrame() on each frame and drops, and counts by FrameVerdict, every
 * frame with bad framing: runts, frames longer than the MTU, IPv4 with a wrong header or a
 * total length beyond the frame, a cut transport header, fragments, broken ARP, and other
 * EtherTypes. ns-3's headers trust their input, so this keeps a frame from the real network
 * from stopping the load balancer.
 *
 * On a packet socket (SetPacketSocket(true)) the reader also asks the kernel, through
 * PACKET_AUXDATA, whether a frame's transport checksum was left to checksum offload, and
 * completes it (CompleteTransportChecksum()), since the load balancer forwards packets
 * unchanged.
 *
 * The reader's buffer holds 64 KiB, more than any frame a tap or packet socket returns, so a
 * frame is never cut to the buffer; an oversized frame is counted and dropped whole.
 */
class CheckedFdNetDevice : public FdNetDevice
{
  public:
    /// Frame counters, written by the reader thread.
    struct FrameCounters
    {
        std::atomic<uint64_t> accepted{0};           //!< frames handed to the stack
        std::atomic<uint64_t> checksumsCompleted{0}; //!< offloaded checksums completed
        std::atomic<uint64_t> readErrors{0};         //!< reads that failed
        std::array<std::atomic<uint64_t>, FRAME_VERDICT_COUNT> dropped{}; //!< by verdict
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    CheckedFdNetDevice();

    /**
     * \brief Says whether the file descriptor is an AF_PACKET socket rather than a tap device.
     * \param packetSocket true for a packet socket; set before the device starts
     */
    void SetPacketSocket(bool packetSocket);

    /// \return the number of frames that passed the check
    uint64_t GetAcceptedFrames() const;
    /**
     * \param verdict a reason other than FRAME_OK
     * \return the number of frames dropped for it
     */
    uint64_t GetDroppedFrames(FrameVerdict verdict) const;
    /// \return the number of frames whose offloaded checksum was completed
    uint64_t GetCompletedChecksums() const;
    /// \return the number of reads that failed
    uint64_t GetReadErrors() const;

  private:
    Ptr<FdReader> DoCreateFdReader() override;

    bool m_packetSocket{false};                //!< the descriptor is an AF_PACKET socket
    std::shared_ptr<FrameCounters> m_counters; //!< shared with the reader thread
};

} // namespace ns3

#endif // MARL_LB_CHECKED_FD_NET_DEVICE_H
