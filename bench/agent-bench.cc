/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * Micro-benchmarks of the learning agents, one thread:
 * - BM_AgentStep: one agent step as LbAgent::Step() takes it, without the simulator: the six
 *   features of every server from full 128-sample reservoirs (LbDataPlane::GetFeatures), the
 *   reward (RewardFunction::Step), the 7-value-per-server observation, the forward pass of
 *   the QMIX agent network (hidden size 128) under NoGradGuard, and one SetWeight per server.
 *   At 7 and 24 servers.
 * - BM_QmixUpdate: one QMIX training update (2 agents, 7 servers, hidden 128) on a batch of
 *   12 episodes of 10 steps: forward, targets, backward and Adam step.
 *
 * Run through bench/run-benchmarks.sh, which also prints the machine.
 */

#include "ns3/lb-data-plane.h"
#include "ns3/qmix-learner.h"
#include "ns3/reward-function.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/server-features.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <benchmark/benchmark.h>
#include <cstdint>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint32_t kReservoirFlows = 200; //!< flows per server, more than the 128 slots

/**
 * Creates a data plane whose servers all have full reservoirs.
 * \param servers number of servers
 * \return the data plane
 */
Ptr<LbDataPlane>
MakeLoadedDataPlane(uint32_t servers)
{
    auto dataPlane = CreateObject<LbDataPlane>();
    for (uint32_t s = 0; s < servers; ++s)
    {
        dataPlane->AddServer(s + 1, s % 2 ? 4.0 : 2.0);
    }
    dataPlane->Initialize();
    // SYN, then two ACKs: the second ACK of each flow offers a duration sample.
    for (uint32_t flow = 0; flow < kReservoirFlows * servers; ++flow)
    {
        FlowKey key{0x0a010001 + (flow >> 16), 0x0aff0001, static_cast<uint16_t>(flow), 80, 6};
        Time start = MilliSeconds(flow);
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_SYN, start);
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_ACK, start + MilliSeconds(1));
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_ACK, start + MilliSeconds(50));
    }
    return dataPlane;
}

/**
 * One agent step: observe, forward, write weights.
 * \param state the benchmark state; range(0) is the number of servers
 */
void
BM_AgentStep(benchmark::State& state)
{
    RngSeedManager::SetSeed(1);
    const auto servers = static_cast<uint32_t>(state.range(0));
    const std::vector<double> levels = {1.0, 1.2, 1.4, 1.6, 1.8, 2.0};
    Ptr<LbDataPlane> dataPlane = MakeLoadedDataPlane(servers);
    auto reward = CreateObject<RewardFunction>();
    auto learner = CreateObject<QmixLearner>();
    learner->SetAttribute("Agents", UintegerValue(2));
    learner->SetAttribute("Servers", UintegerValue(servers));
    learner->SetAttribute("ObservationSize", UintegerValue(7 * servers));
    learner->SetAttribute("StateSize", UintegerValue(14 * servers));
    std::vector<uint32_t> previous(servers, 0);
    std::vector<float> observation;
    std::vector<double> loads;
    Time now = Seconds(kReservoirFlows * servers / 1000.0 + 1);

    for (auto _ : state)
    {
        // Observe: features, reward and observation, as LbAgent::Observe() builds them.
        std::vector<ServerFeatures> features = dataPlane->GetFeatures(now);
        observation.clear();
        loads.clear();
        for (uint32_t s = 0; s < servers; ++s)
        {
            const auto& f = features[s];
            observation.push_back(static_cast<float>(f.ongoingFlows / 32.0));
            observation.push_back(static_cast<float>(f.mean));
            observation.push_back(static_cast<float>(f.stdDev));
            observation.push_back(static_cast<float>(f.p90));
            observation.push_back(static_cast<float>(f.discountedMean));
            observation.push_back(static_cast<float>(f.discountedP90));
            observation.push_back(static_cast<float>(previous[s] / 5.0));
            loads.push_back(f.discountedMean);
        }
        benchmark::DoNotOptimize(reward->Step(loads));

        // Forward and write the weights.
        previous = learner->SelectActions(0, observation, false);
        for (uint32_t s = 0; s < servers; ++s)
        {
            dataPlane->SetWeight(s, levels[previous[s]]);
        }
        now += MilliSeconds(250);
    }
    state.SetItemsProcessed(state.iterations());
    dataPlane->Dispose();
    learner->Dispose();
}

/**
 * One QMIX update on 12 episodes of 10 steps.
 * \param state the benchmark state
 */
void
BM_QmixUpdate(benchmark::State& state)
{
    RngSeedManager::SetSeed(1);
    const uint32_t servers = 7;
    const uint32_t agents = 2;
    const uint32_t steps = 10;
    const uint32_t observationSize = 7 * servers;
    auto learner = CreateObject<QmixLearner>();
    learner->SetAttribute("Agents", UintegerValue(agents));
    learner->SetAttribute("Servers", UintegerValue(servers));
    learner->SetAttribute("ObservationSize", UintegerValue(observationSize));
    learner->SetAttribute("StateSize", UintegerValue(agents * observationSize));
    learner->SetAttribute("MinEpisodes", UintegerValue(0));
    for (uint32_t e = 0; e < 12; ++e)
    {
        AgentEpisode episode;
        episode.agents = agents;
        episode.heads = servers;
        episode.observationSize = observationSize;
        episode.stateSize = agents * observationSize;
        episode.observations.assign((steps + 1) * agents * observationSize, 0.1f * e);
        episode.states.assign((steps + 1) * agents * observationSize, 0.1f * e);
        episode.actions.assign(steps * agents * servers, e % 6);
        episode.rewards.assign(steps, 0.5f);
        learner->AddEpisode(episode);
    }
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(learner->Update());
    }
    state.SetItemsProcessed(state.iterations());
    learner->Dispose();
}

} // namespace

BENCHMARK(BM_AgentStep)->Arg(7)->Arg(24)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QmixUpdate)->Unit(benchmark::kMillisecond);

int
main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
    {
        return 1;
    }
    // Until a simulation runs, ns-3 records every Time object in a global set under a lock, so
    // that a later Time::SetResolution can convert them. Running the empty event list stops
    // that, as in a simulation, where agents run.
    Simulator::Run();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    Simulator::Destroy();
    return 0;
}
