/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "emulation-helper.h"

#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/realtime-simulator-impl.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EmulationHelper");

namespace
{

volatile std::sig_atomic_t g_stopRequested = 0; //!< set by SIGINT and SIGTERM during Run()

/**
 * Records a request to stop.
 * \param signal unused
 */
void
RequestStop(int)
{
    g_stopRequested = 1;
}

/**
 * Copies an interface name into a request, or stops the program if it is too long.
 * \param request the request
 * \param name the name
 */
void
SetInterfaceName(struct ifreq& request, const std::string& name)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
    {
        NS_FATAL_ERROR("interface name '" << name << "' must have 1 to " << IFNAMSIZ - 1
                                          << " characters");
    }
    std::memset(&request, 0, sizeof(request));
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
}

} // namespace

EmulationHelper::EmulationHelper()
    : m_probeInterval(MilliSeconds(1))
{
}

void
EmulationHelper::EnableRealtime()
{
    GlobalValue::Bind("SimulatorImplementationType", StringValue("ns3::RealtimeSimulatorImpl"));
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
}

int
EmulationHelper::OpenTap(const std::string& name)
{
    struct ifreq request;
    SetInterfaceName(request, name);
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
    {
        NS_FATAL_ERROR("cannot open /dev/net/tun (" << std::strerror(errno)
                                                    << "); run as root or with CAP_NET_ADMIN, "
                                                       "and load the tun module");
    }
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &request) < 0)
    {
        int error = errno;
        close(fd);
        NS_FATAL_ERROR("cannot attach to tap device '"
                       << name << "' (" << std::strerror(error)
                       << "); an interface of that name that is not a tap device without "
                          "packet information is in the way, or the process lacks "
                          "CAP_NET_ADMIN");
    }
    NS_LOG_INFO("opened tap device " << name << " on descriptor " << fd);
    return fd;
}

int
EmulationHelper::OpenPacketSocket(const std::string& interface)
{
    struct ifreq request;
    SetInterfaceName(request, interface);
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0)
    {
        NS_FATAL_ERROR("cannot open an AF_PACKET socket (" << std::strerror(errno)
                                                           << "); run as root or with "
                                                              "CAP_NET_RAW");
    }
    if (ioctl(fd, SIOCGIFINDEX, &request) < 0)
    {
        int error = errno;
        close(fd);
        NS_FATAL_ERROR("interface '" << interface << "' not found in this network namespace ("
                                     << std::strerror(error) << "); check the name with "
                                     << "'ip link'");
    }
    struct sockaddr_ll link;
    std::memset(&link, 0, sizeof(link));
    link.sll_family = AF_PACKET;
    link.sll_protocol = htons(ETH_P_ALL);
    link.sll_ifindex = request.ifr_ifindex;
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&link), sizeof(link)) < 0)
    {
        int error = errno;
        close(fd);
        NS_FATAL_ERROR("cannot bind a packet socket to '" << interface << "' ("
                                                          << std::strerror(error) << ")");
    }
    int on = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) < 0)
    {
        NS_LOG_WARN("PACKET_AUXDATA refused on "
                    << interface << "; offloaded checksums stay incomplete");
    }
    // The kernel would otherwise hand the socket the frames the kernel itself sends there.
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof(on)) < 0)
    {
        NS_LOG_WARN("PACKET_IGNORE_OUTGOING refused on " << interface
                                                         << "; the node also sees frames the "
                                                            "kernel sends on it");
    }
    NS_LOG_INFO("opened packet socket on " << interface << " (index " << request.ifr_ifindex
                                           << ") on descriptor " << fd);
    return fd;
}

Mac48Address
EmulationHelper::GetInterfaceAddress(const std::string& interface)
{
    struct ifreq request;
    SetInterfaceName(request, interface);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &request) < 0)
    {
        int error = errno;
        if (fd >= 0)
        {
            close(fd);
        }
        NS_FATAL_ERROR("cannot read the MAC address of '" << interface << "' ("
                                                          << std::strerror(error) << ")");
    }
    close(fd);
    Mac48Address address;
    address.CopyFrom(reinterpret_cast<const uint8_t*>(request.ifr_hwaddr.sa_data));
    return address;
}

Ptr<CheckedFdNetDevice>
EmulationHelper::Install(Ptr<Node> node,
                         Mode mode,
                         const std::string& interface,
                         Mac48Address address) const
{
    NS_LOG_FUNCTION(this << node << mode << interface << address);
    int fd = mode == TAP ? OpenTap(interface) : OpenPacketSocket(interface);
    Ptr<CheckedFdNetDevice> device = CreateObject<CheckedFdNetDevice>();
    device->SetAddress(address);
    device->SetMtu(m_mtu);
    device->SetPacketSocket(mode == PACKET_SOCKET);
    device->SetFileDescriptor(fd);
    node->AddDevice(device);
    return device;
}

void
EmulationHelper::SetMtu(uint16_t mtu)
{
    if (mtu < 68)
    {
        NS_FATAL_ERROR("MTU " << mtu << " is below IPv4's minimum of 68 bytes");
    }
    m_mtu = mtu;
}

void
EmulationHelper::SetProbeInterval(Time interval)
{
    if (!interval.IsStrictlyPositive())
    {
        NS_FATAL_ERROR("lag probe interval " << interval.As(Time::MS) << " must be positive");
    }
    m_probeInterval = interval;
}

RealtimeLag
EmulationHelper::Run(Time stop)
{
    NS_LOG_FUNCTION(this << stop);
    if (!stop.IsStrictlyPositive())
    {
        NS_FATAL_ERROR("emulation stop time " << stop.As(Time::S)
                                              << " must be positive: a real-time run "
                                                 "without a stop time never ends");
    }
    if (!DynamicCast<RealtimeSimulatorImpl>(Simulator::GetImplementation()))
    {
        NS_FATAL_ERROR("the simulator is not ns3::RealtimeSimulatorImpl; call "
                       "EmulationHelper::EnableRealtime() before creating nodes");
    }
    m_lagSumNs = 0;
    m_lagMax = Time(0);
    m_samples = 0;
    m_interrupted = false;
    g_stopRequested = 0;
    struct sigaction action;
    struct sigaction previousInt;
    struct sigaction previousTerm;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = RequestStop;
    sigaction(SIGINT, &action, &previousInt);
    sigaction(SIGTERM, &action, &previousTerm);

    m_probeEvent = Simulator::ScheduleNow(&EmulationHelper::Probe, this);
    Simulator::Stop(stop);
    Simulator::Run();
    m_probeEvent.Cancel();

    sigaction(SIGINT, &previousInt, nullptr);
    sigaction(SIGTERM, &previousTerm, nullptr);
    RealtimeLag lag;
    lag.maximum = m_lagMax;
    lag.mean = NanoSeconds(m_samples > 0 ? m_lagSumNs / static_cast<int64_t>(m_samples) : 0);
    lag.samples = m_samples;
    lag.probeInterval = m_probeInterval;
    return lag;
}

bool
EmulationHelper::WasInterrupted() const
{
    return m_interrupted;
}

void
EmulationHelper::Probe()
{
    auto realtime = DynamicCast<RealtimeSimulatorImpl>(Simulator::GetImplementation());
    Time lag = realtime->RealtimeNow() - Simulator::Now();
    if (lag.IsNegative())
    {
        lag = Time(0);
    }
    m_lagSumNs += lag.GetNanoSeconds();
    m_lagMax = Max(m_lagMax, lag);
    m_samples++;
    if (g_stopRequested)
    {
        NS_LOG_INFO("stop requested by a signal at " << Simulator::Now().As(Time::S));
        m_interrupted = true;
        Simulator::Stop();
        return;
    }
    m_probeEvent = Simulator::Schedule(m_probeInterval, &EmulationHelper::Probe, this);
}

} // namespace ns3
