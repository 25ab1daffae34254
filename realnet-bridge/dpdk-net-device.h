/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_DPDK_NET_DEVICE_H
#define MARL_LB_DPDK_NET_DEVICE_H

#include "checked-fd-net-device.h"

#include "ns3/fd-net-device.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct rte_mempool;

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief A net device on a DPDK Ethernet port, for ns-3 builds without ns-3's own DPDK device.
 *
 * Debian's ns-3 3.37 is built without DpdkNetDevice, so this device provides one on Debian's
 * libdpdk (22.11). It keeps FdNetDevice's Ethernet framing, MAC address and queueing, but moves
 * frames with DPDK. A polling thread reads bursts with rte_eth_rx_burst() and checks each frame
 * with CheckEthernetFrame(), dropping and counting bad framing as CheckedFdNetDevice does,
 * before it hands the frame to FdNetDevice. Write() sends a frame with rte_eth_tx_burst(). The
 * FdNetDevice file descriptor is the read end of a pipe whose write end is closed, so FdNetDevice's
 * own reader reads end-of-file and ends at once.
 *
 * The device needs the real-time scheduler, as FdNetDevice does, and an EAL initialized once
 * per process by InitializeEal(). DPDK's virtual devices run without a NIC or huge pages, for
 * example with "--no-huge --no-pci --vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap" or
 * "--vdev=net_ring0" (a port whose transmitted frames come back on its receive queue).
 *
 * When no frame arrives, the polling thread sleeps for IdlePollInterval between bursts rather
 * than spinning, so that it leaves the CPU to the simulator on small machines.
 */
class DpdkNetDevice : public FdNetDevice
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    DpdkNetDevice();
    ~DpdkNetDevice() override;

    /**
     * \brief Initializes DPDK's environment abstraction layer (EAL), once per process.
     *
     * The arguments are the EAL's command line without the program name, such as
     * {"--no-huge", "--no-pci", "--vdev=net_ring0"}. The calling thread keeps its CPU
     * affinity: the EAL would otherwise pin it, the simulator's thread, to its main lcore.
     * \param arguments the EAL arguments
     * \param error [out] what failed, if anything
     * \return true if the EAL is ready (also when it was initialized before)
     */
    static bool InitializeEal(const std::vector<std::string>& arguments, std::string& error);

    /**
     * \brief Releases the EAL's resources; call once after the last device is disposed.
     *
     * Also removes the EAL's runtime folder when its --file-prefix starts with "marl-lb",
     * which marks a folder made for this process alone.
     */
    static void CleanupEal();

    /**
     * \brief Sends one frame on the DPDK port.
     * \param buffer the frame
     * \param length its length in bytes
     * \return length if the port took the frame, -1 otherwise
     */
    ssize_t Write(uint8_t* buffer, size_t length) override;

    /// \return the number of frames that passed the framing check
    uint64_t GetAcceptedFrames() const;
    /**
     * \param verdict a reason other than FRAME_OK
     * \return the number of frames dropped for it
     */
    uint64_t GetDroppedFrames(FrameVerdict verdict) const;
    /**
     * \brief Reads the frames that the port itself dropped, before this device saw them.
     *
     * The driver's receive errors, missed frames and mbuf shortages (rte_eth_stats ierrors,
     * imissed and rx_nombuf). A driver drops frames that do not fit its receive buffers (2 KiB
     * mbufs without scattered receive), such as oversized frames.
     * \return the count now while the port runs, or at its stop afterwards
     */
    uint64_t GetPortReceiveErrors() const;
    /// \return the number of frames the port did not take for sending
    uint64_t GetTransmitFailures() const;

  protected:
    void DoDispose() override;

  private:
    void DoFinishStartingDevice() override;
    void DoFinishStoppingDevice() override;

    /// Body of the polling thread: receives bursts until the device stops.
    void Poll();

    std::string m_deviceName;                    //!< EAL name of the port, such as net_pcap0
    uint16_t m_rxDescriptors;                    //!< receive ring size
    uint16_t m_txDescriptors;                    //!< transmit ring size
    uint32_t m_poolSize;                         //!< mbufs in the device's pool
    Time m_idlePollInterval;                     //!< sleep between empty bursts
    uint16_t m_port{0};                          //!< DPDK port id
    bool m_portStarted{false};                   //!< the port was configured and started
    rte_mempool* m_pool{nullptr};                //!< mbuf pool of the port
    std::thread m_pollThread;                    //!< the receive loop
    std::atomic<bool> m_polling{false};          //!< the receive loop runs
    uint64_t m_portReceiveErrors{0};             //!< port's drops at stop
    std::atomic<uint64_t> m_transmitFailures{0}; //!< frames not sent
    std::shared_ptr<CheckedFdNetDevice::FrameCounters> m_counters; //!< receive counters
};

} // namespace ns3

#endif // MARL_LB_DPDK_NET_DEVICE_H
