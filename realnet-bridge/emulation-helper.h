/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_EMULATION_HELPER_H
#define MARL_LB_EMULATION_HELPER_H

#include "checked-fd-net-device.h"

#include "ns3/event-id.h"
#include "ns3/mac48-address.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <string>

namespace ns3
{

class Node;

/**
 * \ingroup marl-lb
 * \brief How far ns-3's real-time scheduler fell behind the wall clock during a run.
 *
 * A probe event runs every ProbeInterval and measures the real-time clock minus the
 * simulation clock at the moment it executes: the delay of an event that was due then.
 */
struct RealtimeLag
{
    Time maximum;        //!< largest lag seen
    Time mean;           //!< mean lag over the probes
    uint64_t samples{0}; //!< probes executed
    Time probeInterval;  //!< period of the probe
};

/**
 * \ingroup marl-lb
 * \brief Puts ns-3 nodes on real interfaces and runs them in real time.
 *
 * What it does, in the order a program uses it:
 * - EnableRealtime() selects ns3::RealtimeSimulatorImpl and turns checksums on
 *   (ChecksumEnabled), which a real kernel needs, since it drops packets with zero checksums;
 * - OpenTap() and OpenPacketSocket() open the real side in this module's own code: Debian's
 *   TapFdNetDeviceHelper and EmuFdNetDeviceHelper look for their creator programs under the
 *   package's build path and abort;
 * - Install() adds a CheckedFdNetDevice on that descriptor to a node, which drops and counts
 *   frames with bad framing;
 * - Run() requires a stop time, runs the simulator and reports the scheduler's lag
 *   (RealtimeLag). SIGINT and SIGTERM end the run early and cleanly.
 */
class EmulationHelper
{
  public:
    /// The real side of a device.
    enum Mode
    {
        TAP,           //!< a tap device (TUNSETIFF, IFF_TAP | IFF_NO_PI)
        PACKET_SOCKET, //!< an AF_PACKET raw socket bound to an existing interface
    };

    EmulationHelper();

    /**
     * \brief Selects the real-time scheduler and enables checksums.
     *
     * Call it first, before any node or simulator call: both global values are read when the
     * simulator and the nodes' stacks are created.
     */
    static void EnableRealtime();

    /**
     * \brief Opens a tap device, creating it if it does not exist.
     *
     * A persistent tap made beforehand (`ip tuntap add dev NAME mode tap`) keeps its addresses,
     * MTU and bridge port; one created here disappears when the program ends. Stops the
     * program with the reason if the device cannot be opened.
     * \param name the device name, at most 15 characters
     * \return the file descriptor
     */
    static int OpenTap(const std::string& name);

    /**
     * \brief Opens an AF_PACKET raw socket bound to an existing interface.
     *
     * The socket receives every frame of the interface except those sent on it, and requests
     * the kernel's per-frame checksum status (PACKET_AUXDATA). Stops the program with the
     * reason if the interface does not exist or the socket cannot be opened.
     * \param interface the interface name
     * \return the file descriptor
     */
    static int OpenPacketSocket(const std::string& interface);

    /**
     * \brief Reads the MAC address of an interface of this network namespace.
     * \param interface the interface name
     * \return its address; stops the program if it cannot be read
     */
    static Mac48Address GetInterfaceAddress(const std::string& interface);

    /**
     * \brief Adds a device on a real interface to a node.
     * \param node the node
     * \param mode tap or packet socket
     * \param interface the tap device or the interface to bind
     * \param address the device's MAC address. With a packet socket, use the interface's own.
     * \return the device, already added to the node
     */
    Ptr<CheckedFdNetDevice> Install(Ptr<Node> node,
                                    Mode mode,
                                    const std::string& interface,
                                    Mac48Address address) const;

    /**
     * \param mtu the MTU of the devices Install() creates, in bytes (1500 by default); frames
     *        longer than the MTU plus the Ethernet header are dropped
     */
    void SetMtu(uint16_t mtu);

    /**
     * \param interval period of the lag probe (1 ms by default); must be positive
     */
    void SetProbeInterval(Time interval);

    /**
     * \brief Runs the simulator in real time until the stop time, then reports the lag.
     *
     * Stops the program if the stop time is not positive or EnableRealtime() was not called:
     * an emulation without a stop time never ends.
     * \param stop the simulated time at which to stop, relative to now
     * \return the lag of the scheduler over the run
     */
    RealtimeLag Run(Time stop);

    /// \return true if the last Run() ended early on SIGINT or SIGTERM
    bool WasInterrupted() const;

  private:
    /// Measures the lag once and schedules the next probe.
    void Probe();

    uint16_t m_mtu{1500};      //!< MTU of the devices Install() creates
    Time m_probeInterval;      //!< period of the lag probe
    EventId m_probeEvent;      //!< next probe
    int64_t m_lagSumNs{0};     //!< sum of the lags, in ns
    Time m_lagMax;             //!< largest lag
    uint64_t m_samples{0};     //!< probes executed
    bool m_interrupted{false}; //!< the run ended on a signal
};

} // namespace ns3

#endif // MARL_LB_EMULATION_HELPER_H
