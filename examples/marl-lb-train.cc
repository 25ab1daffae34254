/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * Trains the study's learning agents on the moderate-scale testbed and saves a checkpoint.
 *
 *   client ---+                  +--- LB 0 (agent, QMIX master) ---+
 *             |                  |                                  |  GRE, through the
 *             +--- edge router --+--- LB 1 (agent) ----------------+  router
 *                   (per-flow    |
 *                    ECMP)       +--- server 0..6 (2, 2, 2, 2, 4, 4, 4 CPUs)
 *
 * One simulation replays the trace (from its start again when it runs out) for
 * episodes x episode-duration seconds. Every 250 ms each agent sets its load balancer's SED
 * weights; at the end of each episode the agents learn: RLB-QMIX gathers the trajectories on
 * the master over TCP between the load balancers and trains there, RLB-I-SAC trains each
 * agent on its own, RLB-S-SAC runs one load balancer with one agent. Updates start once the
 * replay buffer holds more than --min-episodes episodes (or is full). The checkpoint is
 * written after every episode, so an interrupted run keeps its last networks.
 *
 * Each episode prints one line: the agents' mean reward, and the requests that ended in the
 * episode with their mean JCT.
 *
 * The study trained for 72 episodes of 60 s (moderate scale; 30 s at large scale) with
 * learning rate 1e-3 (3e-4 at large scale), batch 12, replay 3000 steps and 25 updates per
 * episode; these are the defaults except for --episodes.
 *
 * Example:
 *   marl-lb-train --method=rlb-qmix --episodes=72 --checkpoint=qmix.pt
 *   marl-lb-testbed --method=rlb-qmix --agent-checkpoint=qmix.pt
 */

#include "ns3/core-module.h"
#include "ns3/marl-lb-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

using namespace ns3;

namespace
{

/// Measurements of one episode.
struct EpisodeStats
{
    double rewardSum{0};   //!< sum of every agent's rewards
    uint64_t rewards{0};   //!< number of rewards
    double jctSumMs{0};    //!< sum of the completed requests' JCT, ms
    uint64_t completed{0}; //!< requests completed
    uint64_t failed{0};    //!< requests that failed
};

} // namespace

int
main(int argc, char* argv[])
{
    std::string methodName = "rlb-qmix";
    std::string tracePath = std::string(MARL_LB_DATA_DIR) + "/traces/poisson-for-loop-rate-400.csv";
    uint32_t episodes = 2;
    double episodeDuration = 60;
    double load = 0.875;
    double learningRate = 1e-3;
    uint32_t batchSize = 12;
    uint32_t replayCapacity = 3000;
    uint32_t updatesPerEpisode = 25;
    uint32_t minEpisodes = 25;
    uint32_t hiddenSize = 128;
    double tdLambda = 0;
    std::string checkpoint = "marl-lb-agent.pt";
    std::string initialCheckpoint;
    uint32_t seed = 1;
    uint32_t run = 1;

    CommandLine cmd(__FILE__);
    cmd.Usage("Trains RLB agents on the moderate-scale testbed and saves a checkpoint.");
    cmd.AddValue("method", "rlb-qmix, rlb-i-sac or rlb-s-sac", methodName);
    cmd.AddValue("trace", "request trace file (the study's CSV or WikiBench format)", tracePath);
    cmd.AddValue("episodes", "number of episodes (the study: 72)", episodes);
    cmd.AddValue("episode-duration", "seconds per episode (the study: 60)", episodeDuration);
    cmd.AddValue("load", "target fraction of the servers' CPU capacity", load);
    cmd.AddValue("learning-rate", "Adam's learning rate", learningRate);
    cmd.AddValue("batch", "episodes per update", batchSize);
    cmd.AddValue("replay", "steps that the replay buffer holds", replayCapacity);
    cmd.AddValue("updates", "updates after each episode", updatesPerEpisode);
    cmd.AddValue("min-episodes",
                 "updates start once the replay buffer holds more episodes than this",
                 minEpisodes);
    cmd.AddValue("hidden",
                 "width of the networks (the study: 128; 512 for large-scale SAC)",
                 hiddenSize);
    cmd.AddValue("td-lambda", "lambda of QMIX's TD(lambda) targets; 0 for one-step", tdLambda);
    cmd.AddValue("checkpoint", "file that the trained agent is written to", checkpoint);
    cmd.AddValue("initial-checkpoint",
                 "checkpoint to continue training from; empty for fresh networks",
                 initialCheckpoint);
    cmd.AddValue("seed", "ns-3 random seed (RngSeedManager::SetSeed)", seed);
    cmd.AddValue("run", "ns-3 run number (RngSeedManager::SetRun)", run);
    cmd.Parse(argc, argv);

    std::vector<MethodSpec> methods = ParseMethodList(methodName, "--method");
    const MethodSpec& method = methods.front();
    if (methods.size() != 1 || method.agent.empty())
    {
        NS_FATAL_ERROR("--method=" << methodName
                                   << " is not one learning method; give rlb-qmix, rlb-i-sac or "
                                      "rlb-s-sac");
    }
    if (episodes == 0 || !(episodeDuration > 0))
    {
        NS_FATAL_ERROR("--episodes and --episode-duration must be positive");
    }
    if (checkpoint.empty())
    {
        NS_FATAL_ERROR("--checkpoint is empty; give the file to write the trained agent to");
    }
    {
        // Fail now rather than after the training: the checkpoint must be writable.
        std::ofstream probe(checkpoint, std::ios::app);
        if (!probe)
        {
            NS_FATAL_ERROR("--checkpoint=" << checkpoint
                                           << " cannot be written; check that its folder exists "
                                              "and is writable");
        }
    }
    if (episodes <= minEpisodes && replayCapacity >= episodes * episodeDuration * 4)
    {
        std::cerr << "warning: with --episodes=" << episodes
                  << " and --min-episodes=" << minEpisodes
                  << " the replay buffer never becomes ready, so no update runs and the "
                     "checkpoint holds the initial networks; give more episodes or a lower "
                     "--min-episodes"
                  << std::endl;
    }
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);

    // The trace, repeated from its start until it covers every episode.
    RequestTrace full = RequestTrace::ReadFile(tracePath);
    const Time total = Seconds(episodes * episodeDuration);
    const Time period = full.GetDuration();
    if (full.GetSize() == 0 || !period.IsStrictlyPositive())
    {
        NS_FATAL_ERROR("trace " << tracePath << " has no requests");
    }
    std::vector<TraceRequest> requests;
    for (Time offset = Seconds(0); offset < total; offset += period)
    {
        for (const auto& request : full.GetRequests())
        {
            if (offset + request.time < total)
            {
                requests.push_back({offset + request.time, request.url});
            }
        }
    }
    RequestTrace trace(requests, full.GetName());

    TestbedHelper helper = TestbedHelper::Moderate();
    if (method.loadBalancers > 0)
    {
        helper.SetLoadBalancerCount(method.loadBalancers);
    }
    Time iterationCost = CalibrateIterationCost(trace, total, helper.GetTotalCpus(), load);
    helper.SetServerAttribute("IterationCost", TimeValue(iterationCost));
    helper.SetPolicy(TypeId::LookupByName(method.policy));
    helper.SetAgent(TypeId::LookupByName(method.agent));
    helper.SetAgentAttribute("EpisodeDuration", TimeValue(Seconds(episodeDuration)));
    helper.SetAgentAttribute("EnableTraining", BooleanValue(true));
    helper.SetAgentAttribute("Checkpoint", StringValue(initialCheckpoint));
    helper.SetAgentAttribute("SaveCheckpoint", StringValue(checkpoint));
    helper.SetAgentAttribute("LearningRate", DoubleValue(learningRate));
    helper.SetAgentAttribute("BatchSize", UintegerValue(batchSize));
    helper.SetAgentAttribute("ReplayCapacity", UintegerValue(replayCapacity));
    helper.SetAgentAttribute("UpdatesPerEpisode", UintegerValue(updatesPerEpisode));
    helper.SetAgentAttribute("MinEpisodes", UintegerValue(minEpisodes));
    helper.SetAgentAttribute("HiddenSize", UintegerValue(hiddenSize));
    if (method.agent == "ns3::QmixAgent")
    {
        helper.SetAgentAttribute("TdLambda", DoubleValue(tdLambda));
    }

    Ptr<Testbed> testbed = helper.Build();
    testbed->AssignStreams(1000);
    testbed->ReplayTrace(trace, Seconds(0), total);

    // Per-episode statistics from the agents' rewards and the requests' ends.
    std::map<uint32_t, EpisodeStats> stats;
    const Time episodeTime = Seconds(episodeDuration);
    auto episodeOf = [episodeTime](Time t) {
        return static_cast<uint32_t>(t.GetInteger() / episodeTime.GetInteger());
    };
    for (const auto& agent : testbed->agentApps)
    {
        agent->TraceConnectWithoutContext(
            "Reward",
            Callback<void, double>([&stats, &episodeOf](double reward) {
                auto& episode = stats[episodeOf(Simulator::Now() - NanoSeconds(1))];
                episode.rewardSum += reward;
                episode.rewards++;
            }));
    }
    testbed->SetRequestEndedCallback(
        Callback<void, const RequestRecord&>([&stats, &episodeOf](const RequestRecord& record) {
            auto& episode = stats[episodeOf(record.end)];
            if (record.outcome == RequestOutcome::COMPLETED)
            {
                episode.jctSumMs += (record.end - record.start).GetSeconds() * 1000;
                episode.completed++;
            }
            else
            {
                episode.failed++;
            }
        }));

    std::cout << method.label << ": " << episodes << " episodes of " << episodeDuration << " s, "
              << trace.GetSize() << " requests, checkpoint " << checkpoint << "\n"
              << std::setw(8) << "episode" << std::setw(12) << "reward" << std::setw(11)
              << "completed" << std::setw(8) << "failed" << std::setw(10) << "mean_ms"
              << "\n";
    Simulator::Stop(total + MilliSeconds(500));
    Simulator::Run();
    Simulator::Destroy();

    for (uint32_t e = 0; e < episodes; ++e)
    {
        const auto& episode = stats[e];
        std::cout << std::setw(8) << e + 1 << std::fixed << std::setprecision(4) << std::setw(12)
                  << (episode.rewards > 0 ? episode.rewardSum / episode.rewards : 0)
                  << std::setw(11) << episode.completed << std::setw(8) << episode.failed
                  << std::setprecision(1) << std::setw(10)
                  << (episode.completed > 0 ? episode.jctSumMs / episode.completed : 0) << "\n";
    }
    return 0;
}
