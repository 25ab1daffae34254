/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "dpdk-net-device.h"

#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <pthread.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sched.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DpdkNetDevice");

NS_OBJECT_ENSURE_REGISTERED(DpdkNetDevice);

namespace
{
constexpr uint16_t RX_BURST = 32;        //!< frames taken per rte_eth_rx_burst() call
constexpr std::size_t MAX_FRAME = 65536; //!< largest frame copied out of an mbuf
bool g_ealReady = false;                 //!< InitializeEal() succeeded
} // namespace

TypeId
DpdkNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DpdkNetDevice")
            .SetParent<FdNetDevice>()
            .SetGroupName("MarlLb")
            .AddConstructor<DpdkNetDevice>()
            .AddAttribute("DeviceName",
                          "EAL name of the DPDK port, such as net_pcap0 or net_ring0 for a "
                          "virtual device given with --vdev, or a PCI address.",
                          StringValue("net_ring0"),
                          MakeStringAccessor(&DpdkNetDevice::m_deviceName),
                          MakeStringChecker())
            .AddAttribute("RxDescriptors",
                          "Size of the port's receive ring, in descriptors.",
                          UintegerValue(1024),
                          MakeUintegerAccessor(&DpdkNetDevice::m_rxDescriptors),
                          MakeUintegerChecker<uint16_t>(32))
            .AddAttribute("TxDescriptors",
                          "Size of the port's transmit ring, in descriptors.",
                          UintegerValue(1024),
                          MakeUintegerAccessor(&DpdkNetDevice::m_txDescriptors),
                          MakeUintegerChecker<uint16_t>(32))
            .AddAttribute("PoolSize",
                          "Number of mbufs in the device's pool; must exceed both rings.",
                          UintegerValue(4095),
                          MakeUintegerAccessor(&DpdkNetDevice::m_poolSize),
                          MakeUintegerChecker<uint32_t>(64))
            .AddAttribute("IdlePollInterval",
                          "Time the polling thread sleeps after a burst that brought no frame. "
                          "Zero spins, which costs a whole CPU.",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&DpdkNetDevice::m_idlePollInterval),
                          MakeTimeChecker(Seconds(0)));
    return tid;
}

DpdkNetDevice::DpdkNetDevice()
    : m_rxDescriptors(1024),
      m_txDescriptors(1024),
      m_poolSize(4095),
      m_counters(std::make_shared<CheckedFdNetDevice::FrameCounters>())
{
    NS_LOG_FUNCTION(this);
    // FdNetDevice needs a descriptor for its own reader thread. The read end of a pipe whose
    // write end is closed reads end-of-file at once, so that thread ends as soon as it starts
    // and never competes with the DPDK polling thread.
    int idle[2];
    if (pipe(idle) != 0)
    {
        NS_FATAL_ERROR("DpdkNetDevice: pipe() failed (" << std::strerror(errno)
                                                        << "); too many open files?");
    }
    close(idle[1]);
    SetFileDescriptor(idle[0]);
}

DpdkNetDevice::~DpdkNetDevice()
{
    NS_LOG_FUNCTION(this);
}

bool
DpdkNetDevice::InitializeEal(const std::vector<std::string>& arguments, std::string& error)
{
    if (g_ealReady)
    {
        return true;
    }
    std::vector<std::string> storage = {"marl-lb"};
    storage.insert(storage.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : storage)
    {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);

    // The EAL pins the calling thread to its main lcore; the simulator keeps every CPU.
    cpu_set_t affinity;
    bool haveAffinity = pthread_getaffinity_np(pthread_self(), sizeof(affinity), &affinity) == 0;
    int parsed = rte_eal_init(static_cast<int>(storage.size()), argv.data());
    if (haveAffinity)
    {
        pthread_setaffinity_np(pthread_self(), sizeof(affinity), &affinity);
    }
    if (parsed < 0)
    {
        error = std::string("rte_eal_init failed: ") + rte_strerror(rte_errno);
        return false;
    }
    g_ealReady = true;
    return true;
}

void
DpdkNetDevice::CleanupEal()
{
    if (g_ealReady)
    {
        // The EAL leaves its runtime folder (/var/run/dpdk/<file prefix>) behind. A folder
        // whose prefix starts with "marl-lb" was made for this process alone, so it goes too.
        std::filesystem::path runtimeFolder = rte_eal_get_runtime_dir();
        rte_eal_cleanup();
        if (runtimeFolder.filename().string().rfind("marl-lb", 0) == 0)
        {
            std::error_code error;
            std::filesystem::remove_all(runtimeFolder, error);
            if (error)
            {
                NS_LOG_WARN("cannot remove the EAL runtime folder " << runtimeFolder << ": "
                                                                    << error.message());
            }
        }
        g_ealReady = false;
    }
}

void
DpdkNetDevice::DoFinishStartingDevice()
{
    NS_LOG_FUNCTION(this);
    if (!g_ealReady)
    {
        NS_FATAL_ERROR("DpdkNetDevice " << m_deviceName
                                        << " started before the EAL; call "
                                           "DpdkNetDevice::InitializeEal() first");
    }
    if (rte_eth_dev_get_port_by_name(m_deviceName.c_str(), &m_port) != 0)
    {
        NS_FATAL_ERROR("DPDK port '"
                       << m_deviceName << "' not found among " << rte_eth_dev_count_avail()
                       << " ports; give it to the EAL, such as --vdev=" << m_deviceName);
    }
    if (m_poolSize <= static_cast<uint32_t>(m_rxDescriptors) + m_txDescriptors)
    {
        NS_FATAL_ERROR("DpdkNetDevice PoolSize " << m_poolSize << " must exceed RxDescriptors + "
                                                 << "TxDescriptors ("
                                                 << m_rxDescriptors + m_txDescriptors << ")");
    }
    std::string poolName = "marl-lb-" + std::to_string(m_port);
    m_pool = rte_pktmbuf_pool_create(poolName.c_str(),
                                     m_poolSize,
                                     0,
                                     0,
                                     RTE_MBUF_DEFAULT_BUF_SIZE,
                                     rte_eth_dev_socket_id(m_port));
    if (!m_pool)
    {
        NS_FATAL_ERROR("cannot create the mbuf pool of " << m_deviceName << ": "
                                                         << rte_strerror(rte_errno)
                                                         << "; give the EAL more memory (-m)");
    }

    struct rte_eth_conf configuration;
    std::memset(&configuration, 0, sizeof(configuration));
    int socket = rte_eth_dev_socket_id(m_port);
    int result = rte_eth_dev_configure(m_port, 1, 1, &configuration);
    if (result == 0)
    {
        result = rte_eth_rx_queue_setup(m_port, 0, m_rxDescriptors, socket, nullptr, m_pool);
    }
    if (result == 0)
    {
        result = rte_eth_tx_queue_setup(m_port, 0, m_txDescriptors, socket, nullptr);
    }
    if (result == 0)
    {
        result = rte_eth_dev_start(m_port);
    }
    if (result != 0)
    {
        NS_FATAL_ERROR("cannot start DPDK port " << m_deviceName << ": " << rte_strerror(-result));
    }
    m_portStarted = true;
    // The node's MAC address is not the port's, so the port must pass every frame up.
    rte_eth_promiscuous_enable(m_port);

    m_polling = true;
    m_pollThread = std::thread(&DpdkNetDevice::Poll, this);
    NS_LOG_INFO("DPDK port " << m_deviceName << " (id " << m_port << ") started");
}

void
DpdkNetDevice::Poll()
{
    struct rte_mbuf* burst[RX_BURST];
    auto idle = std::chrono::nanoseconds(m_idlePollInterval.GetNanoSeconds());
    while (m_polling)
    {
        uint16_t received = rte_eth_rx_burst(m_port, 0, burst, RX_BURST);
        if (received == 0)
        {
            if (idle.count() > 0)
            {
                std::this_thread::sleep_for(idle);
            }
            continue;
        }
        for (uint16_t i = 0; i < received; ++i)
        {
            uint32_t length = rte_pktmbuf_pkt_len(burst[i]);
            FrameVerdict verdict = FRAME_OVERSIZED;
            uint8_t* frame = nullptr;
            if (length <= MAX_FRAME)
            {
                frame = static_cast<uint8_t*>(std::malloc(length > 0 ? length : 1));
                NS_ABORT_MSG_IF(frame == nullptr, "DpdkNetDevice: out of memory for a frame");
                const void* data = rte_pktmbuf_read(burst[i], 0, length, frame);
                if (data != frame)
                {
                    std::memcpy(frame, data, length);
                }
                verdict = CheckEthernetFrame(frame, length, GetMtu());
            }
            rte_pktmbuf_free(burst[i]);
            if (verdict != FRAME_OK)
            {
                std::free(frame);
                m_counters->dropped[verdict]++;
                continue;
            }
            m_counters->accepted++;
            ReceiveCallback(frame, static_cast<ssize_t>(length));
        }
    }
}

ssize_t
DpdkNetDevice::Write(uint8_t* buffer, size_t length)
{
    if (!m_portStarted)
    {
        m_transmitFailures++;
        return -1;
    }
    struct rte_mbuf* mbuf = rte_pktmbuf_alloc(m_pool);
    if (!mbuf)
    {
        m_transmitFailures++;
        return -1;
    }
    char* data = rte_pktmbuf_append(mbuf, static_cast<uint16_t>(length));
    if (!data || length > UINT16_MAX)
    {
        rte_pktmbuf_free(mbuf);
        m_transmitFailures++;
        return -1;
    }
    std::memcpy(data, buffer, length);
    if (rte_eth_tx_burst(m_port, 0, &mbuf, 1) != 1)
    {
        rte_pktmbuf_free(mbuf);
        m_transmitFailures++;
        return -1;
    }
    return static_cast<ssize_t>(length);
}

void
DpdkNetDevice::DoFinishStoppingDevice()
{
    NS_LOG_FUNCTION(this);
    m_polling = false;
    if (m_pollThread.joinable())
    {
        m_pollThread.join();
    }
    if (m_portStarted)
    {
        struct rte_eth_stats statistics;
        if (rte_eth_stats_get(m_port, &statistics) == 0)
        {
            m_portReceiveErrors = statistics.ierrors + statistics.imissed + statistics.rx_nombuf;
        }
        // Stopping and closing flush what the port buffered, such as a pcap device's output.
        rte_eth_dev_stop(m_port);
        rte_eth_dev_close(m_port);
        m_portStarted = false;
    }
    if (m_pool)
    {
        rte_mempool_free(m_pool);
        m_pool = nullptr;
    }
}

void
DpdkNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    // FdNetDevice stops the device, which stops the polling thread and the port, and closes
    // the idle descriptor.
    FdNetDevice::DoDispose();
}

uint64_t
DpdkNetDevice::GetAcceptedFrames() const
{
    return m_counters->accepted;
}

uint64_t
DpdkNetDevice::GetDroppedFrames(FrameVerdict verdict) const
{
    NS_ASSERT(verdict < FRAME_VERDICT_COUNT);
    return m_counters->dropped[verdict];
}

uint64_t
DpdkNetDevice::GetPortReceiveErrors() const
{
    struct rte_eth_stats statistics;
    if (m_portStarted && rte_eth_stats_get(m_port, &statistics) == 0)
    {
        return statistics.ierrors + statistics.imissed + statistics.rx_nombuf;
    }
    return m_portReceiveErrors;
}

uint64_t
DpdkNetDevice::GetTransmitFailures() const
{
    return m_transmitFailures;
}

} // namespace ns3
