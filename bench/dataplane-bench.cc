/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * Micro-benchmarks of the load balancer's decision core (LbDataPlane), without packets and
 * without scheduled events:
 * - BM_NewFlowDecision: one new flow, that is a SYN of an unknown flow through
 *   LbDataPlane::ProcessPacket followed by a RST of the same flow, which removes its entry
 *   again. The time per item covers both packets. Each policy runs at 7, 24 and 64 servers,
 *   with 16 on-going flows per server placed by the consistent hash, so that SED and LSQ
 *   compare uneven counts. Every policy gets the same counts.
 * - BM_ExistingFlowPacket: one ACK of an established flow, with 1 thousand, 100 thousand and
 *   1 million flows in the table. The flows come from a key list shuffled once, so that
 *   consecutive packets hit unrelated table entries, as in a real table.
 * - BM_ReservoirOffer: one ReservoirSampler::Offer into a 128-slot reservoir.
 * - BM_ServerFeatures: ComputeServerFeatures over a full 128-slot reservoir (one server).
 *
 * Run through bench/run-benchmarks.sh, which also prints the machine.
 */

#include "ns3/lb-data-plane.h"
#include "ns3/random-variable-stream.h"
#include "ns3/reservoir-sampler.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/server-features.h"
#include "ns3/simulator.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

using namespace ns3;

namespace
{

/// Seed of every random draw, so that two runs process the same packets.
constexpr uint32_t RNG_SEED = 1;
/// First ns-3 random stream index of the data planes, which use fewer than BENCH_STREAM.
constexpr int64_t DATA_PLANE_STREAM = 0;
/// Stream index of the benchmark's own draws (reservoir slots, sample values).
constexpr int64_t BENCH_STREAM = 100;
/// On-going flows per server before a new-flow benchmark starts.
constexpr uint32_t ONGOING_FLOWS_PER_SERVER = 16;
/// Time between two packets. Packets of one flow stay at most 0.1 s apart (1 million gaps),
/// far below the data plane's 40 s idle timeout.
const Time PACKET_GAP = NanoSeconds(100);

/**
 * Builds the key of client flow number \p index: a distinct source address and port per
 * index, towards one VIP on port 80.
 */
FlowKey
MakeClientKey(uint32_t index)
{
    FlowKey key;
    key.sourceAddress = 0x0a000001 + (index >> 14);                   // 10.0.0.1 upwards
    key.sourcePort = static_cast<uint16_t>(49152 + (index & 0x3fff)); // ephemeral ports
    key.destinationAddress = 0x0a640001;                              // VIP 10.100.0.1
    key.destinationPort = 80;
    key.protocol = 6;
    return key;
}

/**
 * Returns the static weight (CPU count) of each server: the study's moderate scale for 7
 * servers (4 with 2 CPUs, 3 with 4), and otherwise its large scale, half of the servers with
 * 4 CPUs and half with 8.
 */
std::vector<double>
GetServerWeights(uint32_t servers)
{
    std::vector<double> weights;
    for (uint32_t server = 0; server < servers; ++server)
    {
        if (servers == 7)
        {
            weights.push_back(server < 4 ? 2 : 4);
        }
        else
        {
            weights.push_back(server < servers / 2 ? 4 : 8);
        }
    }
    return weights;
}

/// Creates a data plane with the given policy and servers, with fixed random streams.
Ptr<LbDataPlane>
CreateDataPlane(const std::string& policyTypeName, uint32_t servers)
{
    auto dataPlane = CreateObject<LbDataPlane>();
    dataPlane->SetAttribute("Policy", TypeIdValue(TypeId::LookupByName(policyTypeName)));
    const auto weights = GetServerWeights(servers);
    for (uint32_t server = 0; server < servers; ++server)
    {
        dataPlane->AddServer(0x0a010001 + server, weights[server]); // 10.1.0.1 upwards
    }
    dataPlane->Initialize();
    dataPlane->AssignStreams(DATA_PLANE_STREAM);
    return dataPlane;
}

/// Sends a SYN and the client's first ACK of each key, so the flows count as on-going.
void
EstablishFlows(LbDataPlane& dataPlane, const std::vector<FlowKey>& keys, Time& now)
{
    for (const auto& key : keys)
    {
        dataPlane.ProcessPacket(key, LbDataPlane::TCP_SYN, now);
        now += PACKET_GAP;
        dataPlane.ProcessPacket(key, LbDataPlane::TCP_ACK, now);
        now += PACKET_GAP;
    }
}

void
BM_NewFlowDecision(benchmark::State& state, const char* policyTypeName)
{
    const auto servers = static_cast<uint32_t>(state.range(0));

    // ECMP (the consistent hash) places the on-going flows, so the counts per server are uneven
    // and the same for every policy. Then the policy under test replaces ECMP.
    auto dataPlane = CreateDataPlane("ns3::EcmpPolicy", servers);
    std::vector<FlowKey> ongoing;
    for (uint32_t index = 0; index < servers * ONGOING_FLOWS_PER_SERVER; ++index)
    {
        ongoing.push_back(MakeClientKey(index));
    }
    Time now = Seconds(1);
    EstablishFlows(*dataPlane, ongoing, now);
    dataPlane->SetAttribute("Policy", TypeIdValue(TypeId::LookupByName(policyTypeName)));
    dataPlane->AssignStreams(DATA_PLANE_STREAM);

    auto index = static_cast<uint32_t>(ongoing.size());
    for (auto _ : state)
    {
        const FlowKey key = MakeClientKey(index++);
        uint32_t server = dataPlane->ProcessPacket(key, LbDataPlane::TCP_SYN, now);
        benchmark::DoNotOptimize(server);
        server = dataPlane->ProcessPacket(key, LbDataPlane::TCP_RST, now);
        benchmark::DoNotOptimize(server);
        now += PACKET_GAP;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(dataPlane->GetPolicy()->GetName());
    dataPlane->Dispose();
}

BENCHMARK_CAPTURE(BM_NewFlowDecision, ECMP, "ns3::EcmpPolicy")
    ->Arg(7)
    ->Arg(24)
    ->Arg(64)
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_NewFlowDecision, WCMP, "ns3::WcmpPolicy")
    ->Arg(7)
    ->Arg(24)
    ->Arg(64)
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_NewFlowDecision, LSQ, "ns3::LsqPolicy")
    ->Arg(7)
    ->Arg(24)
    ->Arg(64)
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_NewFlowDecision, SED, "ns3::SedPolicy")
    ->Arg(7)
    ->Arg(24)
    ->Arg(64)
    ->Unit(benchmark::kNanosecond);

/// A data plane filled with established flows, kept across the runs of one table size.
struct FlowTableFixture
{
    Ptr<LbDataPlane> dataPlane; //!< the data plane, ECMP over 24 servers
    std::vector<FlowKey> keys;  //!< every flow of the table, in shuffled order
    std::size_t next{0};        //!< position in keys of the next packet's flow
    Time now;                   //!< arrival time of the next packet
};

/// Fixtures by table size. Building 1 million flows takes 2 million packets, so each size is
/// built once, not again for each of the benchmark's repeated runs.
std::map<uint32_t, std::unique_ptr<FlowTableFixture>> g_flowTables;

FlowTableFixture&
GetFlowTable(uint32_t flows)
{
    auto& fixture = g_flowTables[flows];
    if (fixture)
    {
        return *fixture;
    }
    fixture = std::make_unique<FlowTableFixture>();
    fixture->dataPlane = CreateDataPlane("ns3::EcmpPolicy", 24);
    fixture->keys.reserve(flows);
    for (uint32_t index = 0; index < flows; ++index)
    {
        fixture->keys.push_back(MakeClientKey(index));
    }
    fixture->now = Seconds(1);
    EstablishFlows(*fixture->dataPlane, fixture->keys, fixture->now);

    // Insertion order is also allocation order, so walking the keys in that order would read
    // the table's nodes almost sequentially. A fixed shuffle breaks that.
    std::mt19937_64 shuffleEngine(RNG_SEED);
    std::shuffle(fixture->keys.begin(), fixture->keys.end(), shuffleEngine);
    return *fixture;
}

void
BM_ExistingFlowPacket(benchmark::State& state)
{
    const auto flows = static_cast<uint32_t>(state.range(0));
    FlowTableFixture& fixture = GetFlowTable(flows);
    LbDataPlane& dataPlane = *fixture.dataPlane;
    if (dataPlane.GetFlowCount() != flows)
    {
        state.SkipWithError("flow table setup failed: it has fewer or more entries than the "
                            "requested table size");
        return;
    }

    const std::vector<FlowKey>& keys = fixture.keys;
    std::size_t next = fixture.next;
    Time now = fixture.now;
    for (auto _ : state)
    {
        uint32_t server = dataPlane.ProcessPacket(keys[next], LbDataPlane::TCP_ACK, now);
        benchmark::DoNotOptimize(server);
        if (++next == keys.size())
        {
            next = 0;
        }
        now += PACKET_GAP;
    }
    fixture.next = next;
    fixture.now = now;
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ExistingFlowPacket)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kNanosecond);

/// Returns \p count uniform draws in [0, 1) from the benchmark's fixed stream.
std::vector<double>
DrawUniform(std::size_t count, int64_t stream)
{
    auto random = CreateObject<UniformRandomVariable>();
    random->SetStream(stream);
    std::vector<double> draws(count);
    for (auto& draw : draws)
    {
        draw = random->GetValue();
    }
    return draws;
}

void
BM_ReservoirOffer(benchmark::State& state)
{
    constexpr std::size_t DRAW_COUNT = 4096; // a power of two, for the wrap-around mask
    const std::vector<double> draws = DrawUniform(DRAW_COUNT, BENCH_STREAM);
    ReservoirSampler reservoir(128, 1.0);

    std::size_t next = 0;
    Time now = Seconds(1);
    for (auto _ : state)
    {
        // With the default keep probability of 1 the data plane passes a keep draw of 0.
        bool kept = reservoir.Offer(now, draws[next ^ 1], 0.0, draws[next]);
        benchmark::DoNotOptimize(kept);
        next = (next + 1) & (DRAW_COUNT - 1);
        now += PACKET_GAP;
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ReservoirOffer)->Unit(benchmark::kNanosecond);

void
BM_ServerFeatures(benchmark::State& state)
{
    constexpr uint32_t SLOTS = 128;
    const std::vector<double> draws = DrawUniform(2 * SLOTS, BENCH_STREAM + 1);

    // One sample per slot: flow durations up to 0.5 s, taken within the last 2 s.
    ReservoirSampler reservoir(SLOTS, 1.0);
    const Time now = Seconds(10);
    for (uint32_t slot = 0; slot < SLOTS; ++slot)
    {
        const Time sampleTime = now - Seconds(2 * draws[2 * slot]);
        reservoir.Offer(sampleTime, 0.5 * draws[2 * slot + 1], 0.0, (slot + 0.5) / SLOTS);
    }
    if (reservoir.GetFilled() != SLOTS)
    {
        state.SkipWithError("reservoir setup failed: not every one of the 128 slots is filled");
        return;
    }
    const std::vector<ReservoirSampler::Sample> samples = reservoir.GetSamples();

    for (auto _ : state)
    {
        ServerFeatures features = ComputeServerFeatures(samples, 16, now, 0.9);
        benchmark::DoNotOptimize(features);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ServerFeatures)->Unit(benchmark::kNanosecond);

} // namespace

int
main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
    {
        return 1;
    }
    RngSeedManager::SetSeed(RNG_SEED);
    RngSeedManager::SetRun(1);

    // Until a simulation runs, ns-3 records every Time object in a global set, so that a later
    // Time::SetResolution can convert them, and each Time copy costs a locked set insertion.
    // Simulator::Run() stops that recording. Running the empty event list here makes Time
    // copies as cheap as in a simulation, where the data plane runs.
    Simulator::Run();

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    for (auto& [flows, fixture] : g_flowTables)
    {
        fixture->dataPlane->Dispose();
    }
    g_flowTables.clear();
    Simulator::Destroy();
    return 0;
}
