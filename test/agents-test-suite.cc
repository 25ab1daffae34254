/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of the learning agents: the QMIX mixer's monotonicity, QMIX on a coordination game,
// discrete SAC on a bandit, checkpoints and seeding. The networks are tiny so that the whole
// suite runs in seconds; the code paths are those of the full-size agents.

#include "ns3/boolean.h"
#include "ns3/discrete-sac-learner.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/episode-replay-buffer.h"
#include "ns3/marl-lb-module.h"
#include "ns3/pointer.h"
#include "ns3/qmix-agent.h"
#include "ns3/qmix-learner.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

using namespace ns3;

namespace
{

/// Restores ns-3's seed and run number when a test ends.
class SeedGuard
{
  public:
    SeedGuard()
        : m_seed(RngSeedManager::GetSeed()),
          m_run(RngSeedManager::GetRun())
    {
    }

    ~SeedGuard()
    {
        RngSeedManager::SetSeed(m_seed);
        RngSeedManager::SetRun(m_run);
    }

  private:
    uint32_t m_seed; //!< seed before the test
    uint64_t m_run;  //!< run number before the test
};

/**
 * Creates a small QMIX learner.
 * \param agents agents in the team
 * \param servers heads per agent
 * \param levels levels per head
 * \param observationSize values per observation
 * \param stateSize values of the state
 * \return the learner
 */
Ptr<QmixLearner>
MakeSmallQmix(uint32_t agents,
              uint32_t servers,
              uint32_t levels,
              uint32_t observationSize,
              uint32_t stateSize)
{
    auto learner = CreateObject<QmixLearner>();
    learner->SetAttribute("Agents", UintegerValue(agents));
    learner->SetAttribute("Servers", UintegerValue(servers));
    learner->SetAttribute("Levels", UintegerValue(levels));
    learner->SetAttribute("ObservationSize", UintegerValue(observationSize));
    learner->SetAttribute("StateSize", UintegerValue(stateSize));
    learner->SetAttribute("HiddenSize", UintegerValue(16));
    learner->SetAttribute("MixingSize", UintegerValue(8));
    learner->SetAttribute("HypernetSize", UintegerValue(16));
    return learner;
}

/**
 * Creates a small discrete SAC learner.
 * \param servers heads
 * \param levels levels per head
 * \param observationSize values per observation
 * \return the learner
 */
Ptr<DiscreteSacLearner>
MakeSmallSac(uint32_t servers, uint32_t levels, uint32_t observationSize)
{
    auto learner = CreateObject<DiscreteSacLearner>();
    learner->SetAttribute("Servers", UintegerValue(servers));
    learner->SetAttribute("Levels", UintegerValue(levels));
    learner->SetAttribute("ObservationSize", UintegerValue(observationSize));
    learner->SetAttribute("HiddenSize", UintegerValue(16));
    return learner;
}

/**
 * Builds a one-step episode of a team that ends the task.
 * \param agents agents in the team
 * \param observation every agent's observation, at both steps
 * \param actions one level per agent (one head each)
 * \param reward the team's reward
 * \return the episode, with a one-value state of 1
 */
AgentEpisode
MakeOneStepEpisode(uint32_t agents,
                   const std::vector<float>& observation,
                   const std::vector<uint32_t>& actions,
                   float reward)
{
    AgentEpisode episode;
    episode.agents = agents;
    episode.heads = 1;
    episode.observationSize = static_cast<uint32_t>(observation.size());
    episode.stateSize = 1;
    for (uint32_t step = 0; step < 2; ++step)
    {
        for (uint32_t agent = 0; agent < agents; ++agent)
        {
            episode.observations.insert(episode.observations.end(),
                                        observation.begin(),
                                        observation.end());
        }
        episode.states.push_back(1.0f);
    }
    episode.actions.assign(actions.begin(), actions.end());
    episode.rewards = {reward};
    episode.terminated = true;
    return episode;
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * The replay buffer drops the oldest episodes beyond its capacity and reports readiness.
 */
class ReplayBufferTestCase : public TestCase
{
  public:
    ReplayBufferTestCase()
        : TestCase("Replay buffer keeps capacity and readiness")
    {
    }

  private:
    void DoRun() override
    {
        // Episodes of 1 step each; capacity 5 steps; ready with more than 2 episodes.
        EpisodeReplayBuffer buffer(5, 2);
        for (uint32_t i = 0; i < 3; ++i)
        {
            buffer.Add(MakeOneStepEpisode(1, {static_cast<float>(i)}, {0}, 0));
        }
        NS_TEST_ASSERT_MSG_EQ(buffer.IsReady(), true, "3 episodes are more than 2");
        for (uint32_t i = 3; i < 8; ++i)
        {
            buffer.Add(MakeOneStepEpisode(1, {static_cast<float>(i)}, {0}, 0));
        }
        uint32_t episodes = buffer.GetEpisodeCount();
        uint32_t steps = buffer.GetStepCount();
        float oldest = buffer.Get(0).observations[0];
        NS_TEST_ASSERT_MSG_EQ(episodes, 5, "the capacity of 5 steps holds 5 episodes");
        NS_TEST_ASSERT_MSG_EQ(steps, 5, "steps held");
        NS_TEST_ASSERT_MSG_EQ(oldest, 3.0f, "episodes 0 to 2 were dropped first");

        // A full buffer below the minimum is ready too: it cannot grow any further.
        EpisodeReplayBuffer small(2, 25);
        small.Add(MakeOneStepEpisode(1, {0}, {0}, 0));
        small.Add(MakeOneStepEpisode(1, {0}, {0}, 0));
        NS_TEST_ASSERT_MSG_EQ(small.IsReady(), false, "2 episodes, not full yet");
        small.Add(MakeOneStepEpisode(1, {0}, {0}, 0));
        NS_TEST_ASSERT_MSG_EQ(small.IsReady(), true, "full buffer");

        AgentEpisode broken = MakeOneStepEpisode(2, {0, 0}, {0, 0}, 0);
        broken.actions.pop_back();
        std::string problem = broken.Validate();
        NS_TEST_ASSERT_MSG_NE(problem, "", "a missing action is reported");
    }
};

/**
 * \ingroup marl-lb-tests
 * Q_tot never decreases when one utility grows, for random utilities and states.
 */
class QmixMonotonicTestCase : public TestCase
{
  public:
    QmixMonotonicTestCase()
        : TestCase("QMIX mixer is monotonic in every utility")
    {
    }

  private:
    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(3);
        const uint32_t agents = 3;
        const uint32_t servers = 2;
        const uint32_t stateSize = 5;
        auto learner = MakeSmallQmix(agents, servers, 4, 4, stateSize);
        std::mt19937_64 random(17);
        std::normal_distribution<float> normal(0.0f, 3.0f);
        std::uniform_real_distribution<float> step(0.01f, 2.0f);

        uint32_t increases = 0;
        uint32_t comparisons = 0;
        for (uint32_t trial = 0; trial < 100; ++trial)
        {
            std::vector<float> utilities(agents * servers);
            std::vector<float> state(stateSize);
            for (auto& value : utilities)
            {
                value = normal(random);
            }
            for (auto& value : state)
            {
                value = normal(random);
            }
            double base = learner->EvaluateMixer(utilities, state);
            for (uint32_t i = 0; i < utilities.size(); ++i)
            {
                auto raised = utilities;
                raised[i] += step(random);
                double total = learner->EvaluateMixer(raised, state);
                NS_TEST_ASSERT_MSG_GT_OR_EQ(total,
                                            base - 1e-5,
                                            "Q_tot fell when utility " << i << " grew, trial "
                                                                       << trial);
                increases += total > base + 1e-7;
                comparisons++;
            }
        }
        // abs() of a random hypernetwork output is almost never exactly 0, so Q_tot grows
        // strictly nearly always; a mixer that ignored its inputs would fail here.
        NS_TEST_ASSERT_MSG_GT(increases, comparisons * 9 / 10, "Q_tot grows with the utilities");
        learner->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * QMIX learns the optimum of a penalty game, which needs the two agents to coordinate.
 *
 * Payoffs (row: agent 0, column: agent 1), the penalty game of Claus and Boutilier (1998)
 * with penalty k = 0:
 * \verbatim
 *         0     1     2
 *   0     0     0    10
 *   1     0     2     0
 *   2    10     0     0
 * \endverbatim
 * The optimum, 10, is (0, 2) or (2, 0): each agent must pick the end opposite the other's.
 * Against a uniformly random partner both ends are worth 10/3 and the middle 2/3, so two
 * independent greedy learners each pick an end and miss each other half the time; QMIX
 * learns Q_tot of the joint action and agrees on one optimum.
 */
class QmixPenaltyGameTestCase : public TestCase
{
  public:
    QmixPenaltyGameTestCase()
        : TestCase("QMIX learns a penalty game's optimum")
    {
    }

  private:
    void DoRun() override
    {
        SeedGuard guard;
        const float payoff[3][3] = {{0, 0, 10}, {0, 2, 0}, {10, 0, 0}};
        const std::vector<float> observation = {1.0f};
        for (uint32_t seed : {1, 2, 3, 4})
        {
            RngSeedManager::SetSeed(seed);
            auto learner = MakeSmallQmix(2, 1, 3, 1, 1);
            learner->SetAttribute("LearningRate", DoubleValue(5e-3));
            learner->SetAttribute("BatchSize", UintegerValue(32));
            learner->SetAttribute("MinEpisodes", UintegerValue(32));
            learner->SetAttribute("EpsilonAnnealSteps", UintegerValue(300));
            learner->SetAttribute("TargetUpdateInterval", UintegerValue(20));

            for (uint32_t episode = 0; episode < 600; ++episode)
            {
                learner->ResetHiddenStates();
                auto first = learner->SelectActions(0, observation, true);
                auto second = learner->SelectActions(1, observation, true);
                float reward = payoff[first[0]][second[0]];
                learner->AddEpisode(
                    MakeOneStepEpisode(2, observation, {first[0], second[0]}, reward));
                if (learner->IsReady())
                {
                    learner->Update();
                }
            }

            learner->ResetHiddenStates();
            uint32_t first = learner->SelectActions(0, observation, false)[0];
            uint32_t second = learner->SelectActions(1, observation, false)[0];
            float greedyPayoff = payoff[first][second];
            NS_TEST_ASSERT_MSG_EQ(greedyPayoff,
                                  10.0f,
                                  "seed " << seed << ": greedy joint action (" << first << ", "
                                          << second << ")");
            learner->Dispose();
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Discrete SAC on a 4-armed bandit makes the paying arm more likely, with a sane temperature.
 */
class SacBanditTestCase : public TestCase
{
  public:
    SacBanditTestCase()
        : TestCase("SAC raises the paying arm's probability")
    {
    }

  private:
    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(4);
        const uint32_t levels = 4;
        const uint32_t payingArm = 2;
        const std::vector<float> observation = {1.0f};
        auto learner = MakeSmallSac(1, levels, 1);
        learner->SetAttribute("LearningRate", DoubleValue(3e-3));
        learner->SetAttribute("BatchSize", UintegerValue(16));
        learner->SetAttribute("MinEpisodes", UintegerValue(16));
        double before = learner->GetPolicy(observation)[payingArm];

        for (uint32_t episode = 0; episode < 400; ++episode)
        {
            learner->ResetHiddenState();
            uint32_t arm = learner->SelectActions(observation, true)[0];
            float reward = arm == payingArm ? 1.0f : 0.0f;
            learner->AddEpisode(MakeOneStepEpisode(1, observation, {arm}, reward));
            if (learner->IsReady())
            {
                learner->Update();
            }
        }

        auto policy = learner->GetPolicy(observation);
        double after = policy[payingArm];
        NS_TEST_ASSERT_MSG_GT(after, before + 0.05, "probability of the paying arm");
        for (uint32_t arm = 0; arm < levels; ++arm)
        {
            if (arm != payingArm)
            {
                NS_TEST_ASSERT_MSG_GT(after, policy[arm], "paying arm against arm " << arm);
            }
        }
        // The target entropy, 0.98 log 4, keeps the policy near uniform, so alpha stays in
        // the range of the rewards instead of collapsing to 0 or growing without bound.
        double temperature = learner->GetTemperatures()[0];
        NS_TEST_ASSERT_MSG_EQ(std::isfinite(temperature), true, "temperature is finite");
        NS_TEST_ASSERT_MSG_GT(temperature, 1e-3, "temperature did not collapse");
        NS_TEST_ASSERT_MSG_LT(temperature, 10.0, "temperature did not diverge");
        learner->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * A learner loaded from a checkpoint computes exactly what the saved learner computes.
 */
class CheckpointRoundTripTestCase : public TestCase
{
  public:
    CheckpointRoundTripTestCase()
        : TestCase("Checkpoint round trip gives equal outputs")
    {
    }

  private:
    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(5);
        const std::vector<float> observation = {0.5f, -1.0f, 2.0f};

        // QMIX: train a few updates, save, load into a learner initialised differently.
        auto saved = MakeSmallQmix(2, 2, 3, 3, 1);
        saved->SetAttribute("BatchSize", UintegerValue(4));
        saved->SetAttribute("MinEpisodes", UintegerValue(0));
        for (uint32_t i = 0; i < 8; ++i)
        {
            AgentEpisode episode = MakeOneStepEpisode(2, observation, {0, 1}, 1.0f);
            episode.heads = 2;
            episode.actions = {0, 1, 2, i % 3};
            saved->AddEpisode(episode);
            saved->Update();
        }
        std::string file = CreateTempDirFilename("qmix.pt");
        std::string error = saved->Save(file);
        NS_TEST_ASSERT_MSG_EQ(error, "", "QMIX checkpoint written");

        auto loaded = MakeSmallQmix(2, 2, 3, 3, 1);
        loaded->AssignStreams(99);
        std::vector<float> savedQ = saved->GetQValues(1, observation);
        std::vector<float> freshQ = loaded->GetQValues(1, observation);
        bool freshDiffers = savedQ != freshQ;
        NS_TEST_ASSERT_MSG_EQ(freshDiffers, true, "a fresh learner differs before loading");
        error = loaded->Load(file);
        NS_TEST_ASSERT_MSG_EQ(error, "", "QMIX checkpoint read");
        for (uint32_t agent = 0; agent < 2; ++agent)
        {
            std::vector<float> expected = saved->GetQValues(agent, observation);
            std::vector<float> actual = loaded->GetQValues(agent, observation);
            bool equal = actual == expected;
            NS_TEST_ASSERT_MSG_EQ(equal, true, "Q values of agent " << agent);
        }
        double savedTotal = saved->EvaluateMixer({1, 2, 3, 4}, {0.5});
        double loadedTotal = loaded->EvaluateMixer({1, 2, 3, 4}, {0.5});
        NS_TEST_ASSERT_MSG_EQ(loadedTotal, savedTotal, "mixer output");
        uint64_t updates = loaded->GetUpdateCount();
        NS_TEST_ASSERT_MSG_EQ(updates, 8, "update count restored");

        // SAC: the same with the policy.
        auto sac = MakeSmallSac(2, 3, 3);
        std::string sacFile = CreateTempDirFilename("sac.pt");
        error = sac->Save(sacFile);
        NS_TEST_ASSERT_MSG_EQ(error, "", "SAC checkpoint written");
        auto sacLoaded = MakeSmallSac(2, 3, 3);
        sacLoaded->AssignStreams(7);
        bool sacDiffers = sacLoaded->GetPolicy(observation) != sac->GetPolicy(observation);
        NS_TEST_ASSERT_MSG_EQ(sacDiffers, true, "a fresh SAC learner differs before loading");
        error = sacLoaded->Load(sacFile);
        NS_TEST_ASSERT_MSG_EQ(error, "", "SAC checkpoint read");
        std::vector<float> expectedPolicy = sac->GetPolicy(observation);
        std::vector<float> actualPolicy = sacLoaded->GetPolicy(observation);
        bool samePolicy = actualPolicy == expectedPolicy;
        NS_TEST_ASSERT_MSG_EQ(samePolicy, true, "SAC policy");
        std::vector<double> expectedTemperatures = sac->GetTemperatures();
        std::vector<double> actualTemperatures = sacLoaded->GetTemperatures();
        bool sameTemperatures = actualTemperatures == expectedTemperatures;
        NS_TEST_ASSERT_MSG_EQ(sameTemperatures, true, "SAC temperatures");

        saved->Dispose();
        loaded->Dispose();
        sac->Dispose();
        sacLoaded->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * Loading a checkpoint of other sizes fails with a message that names the file and the
 * mismatch, and leaves the learner unchanged.
 */
class CheckpointMismatchTestCase : public TestCase
{
  public:
    CheckpointMismatchTestCase()
        : TestCase("Checkpoint of other sizes is rejected")
    {
    }

  private:
    /**
     * Checks that an error message names the file and contains a phrase.
     * \param error the message
     * \param file the checkpoint
     * \param phrase what the message must contain
     * \param what the case, for the failure message
     */
    void CheckError(const std::string& error,
                    const std::string& file,
                    const std::string& phrase,
                    const std::string& what)
    {
        bool namesFile = error.find(file) != std::string::npos;
        bool namesMismatch = error.find(phrase) != std::string::npos;
        NS_TEST_EXPECT_MSG_EQ(namesFile, true, what << ": message names the file: " << error);
        NS_TEST_EXPECT_MSG_EQ(namesMismatch,
                              true,
                              what << ": message contains '" << phrase << "': " << error);
    }

    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(6);
        auto saved = MakeSmallQmix(2, 3, 4, 5, 2);
        std::string file = CreateTempDirFilename("three-servers.pt");
        std::string error = saved->Save(file);
        NS_TEST_ASSERT_MSG_EQ(error, "", "checkpoint written");

        struct Case
        {
            std::string what;         //!< the case
            Ptr<QmixLearner> learner; //!< the learner that loads
            std::string phrase;       //!< expected in the message
        };

        std::vector<Case> cases = {
            {"other servers", MakeSmallQmix(2, 4, 4, 5, 2), "servers = 3"},
            {"other agents", MakeSmallQmix(3, 3, 4, 5, 2), "agents = 2"},
            {"other levels", MakeSmallQmix(2, 3, 6, 5, 2), "levels = 4"},
            {"other observation", MakeSmallQmix(2, 3, 4, 7, 2), "observationSize = 5"},
        };
        auto wideMixer = MakeSmallQmix(2, 3, 4, 5, 2);
        wideMixer->SetAttribute("MixingSize", UintegerValue(12));
        cases.push_back({"other mixer width", wideMixer, "of shape"});

        const std::vector<float> observation(5, 0.25f);
        for (auto& testCase : cases)
        {
            error = testCase.learner->Load(file);
            CheckError(error, file, testCase.phrase, testCase.what);
            testCase.learner->Dispose();
        }

        // The rejected load leaves the learner unchanged.
        auto other = MakeSmallQmix(2, 3, 4, 5, 2);
        other->SetAttribute("MixingSize", UintegerValue(12));
        other->AssignStreams(3);
        std::vector<float> before = other->GetQValues(0, observation);
        error = other->Load(file);
        std::vector<float> after = other->GetQValues(0, observation);
        NS_TEST_ASSERT_MSG_NE(error, "", "mixer width mismatch rejected");
        bool unchanged = after == before;
        NS_TEST_ASSERT_MSG_EQ(unchanged, true, "agent network unchanged by the rejected load");

        // A SAC learner rejects a QMIX file, and a missing file is reported.
        auto sac = MakeSmallSac(3, 4, 5);
        CheckError(sac->Load(file), file, "qmix", "QMIX file into SAC");
        std::string missing = CreateTempDirFilename("missing.pt");
        CheckError(saved->Load(missing), missing, "cannot read", "missing file");

        saved->Dispose();
        other->Dispose();
        sac->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * Equal ns-3 seeds give equal exploring action sequences, different seeds different ones.
 */
class SeedReproducibilityTestCase : public TestCase
{
  public:
    SeedReproducibilityTestCase()
        : TestCase("Equal seeds give equal actions")
    {
    }

  private:
    /**
     * Runs both learners for 40 exploring steps.
     * \param seed ns-3 seed
     * \return the actions of QMIX agent 0, QMIX agent 1 and SAC, concatenated
     */
    std::vector<uint32_t> RunActions(uint32_t seed)
    {
        RngSeedManager::SetSeed(seed);
        auto qmix = MakeSmallQmix(2, 3, 6, 4, 2);
        qmix->SetAttribute("Exploration", EnumValue(QmixLearner::EXPLORATION_SOFTMAX));
        auto sac = MakeSmallSac(3, 6, 4);
        std::vector<uint32_t> actions;
        for (uint32_t step = 0; step < 40; ++step)
        {
            std::vector<float> observation = {static_cast<float>(step % 5), 1.0f, -0.5f, 0.1f};
            for (uint32_t agent = 0; agent < 2; ++agent)
            {
                auto chosen = qmix->SelectActions(agent, observation, true);
                actions.insert(actions.end(), chosen.begin(), chosen.end());
            }
            auto chosen = sac->SelectActions(observation, true);
            actions.insert(actions.end(), chosen.begin(), chosen.end());
        }
        qmix->Dispose();
        sac->Dispose();
        return actions;
    }

    void DoRun() override
    {
        SeedGuard guard;
        std::vector<uint32_t> first = RunActions(11);
        std::vector<uint32_t> again = RunActions(11);
        std::vector<uint32_t> other = RunActions(12);
        NS_TEST_ASSERT_MSG_EQ(first.size(), 40u * 9u, "actions recorded");
        bool sameSeedEqual = again == first;
        bool otherSeedDiffers = other != first;
        NS_TEST_ASSERT_MSG_EQ(sameSeedEqual, true, "seed 11 twice");
        NS_TEST_ASSERT_MSG_EQ(otherSeedDiffers, true, "seeds 11 and 12");
    }
};

/**
 * \ingroup marl-lb-tests
 * In a testbed run, the weights that an agent writes are the load balancer's weights in
 * effect from the data plane's next tick, and the QMIX master gathers every episode over TCP.
 */
class AgentInTestbedTestCase : public TestCase
{
  public:
    AgentInTestbedTestCase()
        : TestCase("Agent weights reach the load balancer")
    {
    }

  private:
    /// One action of agent 0 and the weights in effect around the tick after it.
    struct ActionCheck
    {
        Time time;                   //!< when the agent acted
        std::vector<double> written; //!< the weights it wrote
        std::vector<double> before;  //!< weights in effect just before the next tick
        std::vector<double> after;   //!< weights in effect just after the next tick
    };

    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(8);
        RequestTrace full = RequestTrace::ReadFile(std::string(MARL_LB_DATA_DIR)
                                                   + "/traces/poisson-for-loop-rate-200.csv");
        RequestTrace trace = full.Truncate(Seconds(3));
        TestbedHelper helper = TestbedHelper::Moderate();
        Time cost = Seconds(0.9 * helper.GetTotalCpus()
                            / (trace.GetSize() / 3.0 * trace.GetMeanIterations()));
        helper.SetServerAttribute("IterationCost", TimeValue(cost));
        helper.SetPolicy(SedPolicy::GetTypeId());
        helper.SetAgent(QmixAgent::GetTypeId());
        helper.SetAgentAttribute("HiddenSize", UintegerValue(16));
        helper.SetAgentAttribute("EpisodeDuration", TimeValue(Seconds(1)));
        helper.SetAgentAttribute("MinEpisodes", UintegerValue(0));
        helper.SetAgentAttribute("UpdatesPerEpisode", UintegerValue(2));
        helper.SetAgentAttribute("BatchSize", UintegerValue(2));

        Ptr<Testbed> testbed = helper.Build();
        testbed->AssignStreams(1000);
        testbed->ReplayTrace(trace, Seconds(0), Seconds(3));
        Ptr<LbDataPlane> dataPlane = testbed->loadBalancerApps[0]->GetDataPlane();
        const Time tick = dataPlane->GetWeightUpdateInterval();
        NS_TEST_ASSERT_MSG_EQ(testbed->agentApps.size(), 2, "one agent per load balancer");

        // Record each action of agent 0 and read the weights in effect around the next tick.
        std::vector<ActionCheck> checks;
        auto readWeights = [dataPlane]() {
            std::vector<double> weights;
            for (const auto& server : dataPlane->GetServers())
            {
                weights.push_back(server.weight);
            }
            return weights;
        };
        std::function<void(const std::vector<double>&)> onAction =
            [&](const std::vector<double>& weights) {
                Time now = Simulator::Now();
                checks.push_back({now, weights, {}, {}});
                std::size_t index = checks.size() - 1;
                Time nextTick = tick * (now / tick).GetHigh() + tick;
                Simulator::Schedule(nextTick - now - MicroSeconds(1), [&, index]() {
                    checks[index].before = readWeights();
                });
                Simulator::Schedule(nextTick - now + MicroSeconds(1), [&, index]() {
                    checks[index].after = readWeights();
                });
            };
        testbed->agentApps[0]->TraceConnectWithoutContext(
            "Action",
            Callback<void, const std::vector<double>&>(onAction));
        std::vector<std::pair<uint32_t, Time>> gathered;
        testbed->agentApps[0]->TraceConnectWithoutContext(
            "EpisodeGathered",
            MakeCallback(+[](std::vector<std::pair<uint32_t, Time>>* log,
                             uint32_t episode,
                             Time delay) {
                log->emplace_back(episode, delay);
            }).Bind(&gathered));
        uint32_t rewards = 0;
        bool rewardsFinite = true;
        testbed->agentApps[1]->TraceConnectWithoutContext(
            "Reward",
            MakeCallback(+[](uint32_t* count, bool* finite, double reward) {
                (*count)++;
                *finite = *finite && std::isfinite(reward);
            }).Bind(&rewards, &rewardsFinite));

        Simulator::Stop(Seconds(3) + MilliSeconds(100));
        Simulator::Run();
        auto learner = DynamicCast<QmixAgent>(testbed->agentApps[0])->GetLearner();
        uint64_t updates = learner->GetUpdateCount();
        Simulator::Destroy();

        // Actions at 0, 250, ..., 3000 ms: every one's weights are in effect after the tick.
        NS_TEST_ASSERT_MSG_EQ(checks.size(), 13, "actions of agent 0 in 3 s");
        uint32_t waited = 0;
        uint32_t checked = 0;
        for (const auto& check : checks)
        {
            if (check.time + tick >= Seconds(3))
            {
                continue; // its tick, at 3.2 s, falls after the stop
            }
            checked++;
            bool applied = check.after == check.written;
            NS_TEST_ASSERT_MSG_EQ(applied,
                                  true,
                                  "weights written at " << check.time.As(Time::MS)
                                                        << " in effect after the next tick");
            waited += check.before != check.written;
        }
        NS_TEST_ASSERT_MSG_EQ(checked, 12, "actions whose tick falls before the stop");
        // Exploring agents change weights at most steps, so some writes must be seen waiting.
        NS_TEST_ASSERT_MSG_GT(waited, 0, "written weights wait for the tick");

        // Episodes end at 1, 2 and 3 s; the last may still be on its way at the stop.
        NS_TEST_ASSERT_MSG_GT_OR_EQ(gathered.size(), 2, "episodes gathered on the master");
        for (const auto& [episode, delay] : gathered)
        {
            NS_TEST_ASSERT_MSG_GT(delay, Time(0), "episode " << episode << " crossed the network");
            NS_TEST_ASSERT_MSG_LT(delay, MilliSeconds(100), "episode " << episode << " delay");
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(updates, 4, "the master trained after each episode");
        NS_TEST_ASSERT_MSG_EQ(rewards, 12, "rewards of agent 1");
        NS_TEST_ASSERT_MSG_EQ(rewardsFinite, true, "rewards are finite");
    }
};

/**
 * \ingroup marl-lb-tests
 * With EnableStepSync, the non-master agent steps when the master's step message arrives over
 * TCP, so each of its actions follows the master's by the network's delay, and its
 * ActionInterval trace reports the real time between its actions.
 */
class QmixStepSyncTestCase : public TestCase
{
  public:
    QmixStepSyncTestCase()
        : TestCase("QMIX steps follow the master's messages")
    {
    }

  private:
    void DoRun() override
    {
        SeedGuard guard;
        RngSeedManager::SetSeed(9);
        RequestTrace full = RequestTrace::ReadFile(std::string(MARL_LB_DATA_DIR)
                                                   + "/traces/poisson-for-loop-rate-200.csv");
        RequestTrace trace = full.Truncate(Seconds(3));
        TestbedHelper helper = TestbedHelper::Moderate();
        Time cost = Seconds(0.9 * helper.GetTotalCpus()
                            / (trace.GetSize() / 3.0 * trace.GetMeanIterations()));
        helper.SetServerAttribute("IterationCost", TimeValue(cost));
        helper.SetPolicy(SedPolicy::GetTypeId());
        helper.SetAgent(QmixAgent::GetTypeId());
        helper.SetAgentAttribute("HiddenSize", UintegerValue(16));
        helper.SetAgentAttribute("EpisodeDuration", TimeValue(Seconds(1)));
        helper.SetAgentAttribute("EnableStepSync", BooleanValue(true));

        Ptr<Testbed> testbed = helper.Build();
        testbed->AssignStreams(1000);
        testbed->ReplayTrace(trace, Seconds(0), Seconds(3));
        NS_TEST_ASSERT_MSG_EQ(testbed->agentApps.size(), 2, "one agent per load balancer");

        // Times of each agent's actions, and the intervals that agent 1 reports.
        std::vector<std::vector<Time>> actions(2);
        for (uint32_t agent = 0; agent < 2; ++agent)
        {
            testbed->agentApps[agent]->TraceConnectWithoutContext(
                "Action",
                MakeCallback(+[](std::vector<Time>* times, const std::vector<double>&) {
                    times->push_back(Simulator::Now());
                }).Bind(&actions[agent]));
        }
        std::vector<Time> intervals;
        testbed->agentApps[1]->TraceConnectWithoutContext(
            "ActionInterval",
            MakeCallback(+[](std::vector<Time>* log, Time interval) {
                log->push_back(interval);
            }).Bind(&intervals));

        Simulator::Stop(Seconds(3) + MilliSeconds(100));
        Simulator::Run();
        Simulator::Destroy();

        const auto& master = actions[0];
        const auto& other = actions[1];
        NS_TEST_ASSERT_MSG_EQ(master.size(), 13, "actions of the master in 3 s");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(std::max(master.size(), other.size())
                                        - std::min(master.size(), other.size()),
                                    std::size_t{1},
                                    "steps of agent 1 against the master's");
        // The first step of both, at the start, comes before the connection is up.
        for (std::size_t step = 1; step < std::min(master.size(), other.size()); ++step)
        {
            Time lag = other[step] - master[step];
            NS_TEST_ASSERT_MSG_GT(lag, Time(0), "lag of agent 1 at step " << step);
            NS_TEST_ASSERT_MSG_LT(lag, MilliSeconds(5), "lag of agent 1 at step " << step);
        }
        NS_TEST_ASSERT_MSG_EQ(intervals.size() + 1, other.size(), "intervals of agent 1");
        for (std::size_t i = 0; i < intervals.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(intervals[i],
                                  other[i + 1] - other[i],
                                  "interval " << i + 1 << " of agent 1");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * The suite of the learning agents.
 */
class AgentsTestSuite : public TestSuite
{
  public:
    AgentsTestSuite()
        : TestSuite("marl-lb-agents", UNIT)
    {
        AddTestCase(new ReplayBufferTestCase, TestCase::QUICK);
        AddTestCase(new QmixMonotonicTestCase, TestCase::QUICK);
        AddTestCase(new QmixPenaltyGameTestCase, TestCase::QUICK);
        AddTestCase(new SacBanditTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointMismatchTestCase, TestCase::QUICK);
        AddTestCase(new SeedReproducibilityTestCase, TestCase::QUICK);
        AddTestCase(new AgentInTestbedTestCase, TestCase::QUICK);
        AddTestCase(new QmixStepSyncTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static AgentsTestSuite g_agentsTestSuite;
