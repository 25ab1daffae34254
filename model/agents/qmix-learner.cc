/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "qmix-learner.h"

#include "learner-support.h"
#include "qmix-mixer.h"
#include "recurrent-agent-net.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("QmixLearner");

NS_OBJECT_ENSURE_REGISTERED(QmixLearner);

/// The networks, the optimiser and the per-agent recurrent states.
struct QmixLearner::Impl
{
    RecurrentAgentNet agent{nullptr};              //!< online agent network, shared by all agents
    RecurrentAgentNet targetAgent{nullptr};        //!< target agent network
    QmixMixer mixer{nullptr};                      //!< online mixing network
    QmixMixer targetMixer{nullptr};                //!< target mixing network
    std::unique_ptr<torch::optim::Adam> optimizer; //!< Adam over agent and mixer parameters
    std::vector<torch::Tensor> hidden;             //!< recurrent state of each agent, [1, hidden]
    torch::Tensor input;                           //!< reused input of SelectActions(), [1, in]
    std::unique_ptr<EpisodeReplayBuffer> replay;   //!< whole episodes of the team
    std::mt19937_64 random;                        //!< exploration and batch draws

    /// \return every trained parameter: the agent network's, then the mixer's
    std::vector<torch::Tensor> Parameters() const
    {
        auto parameters = agent->parameters();
        auto mixing = mixer->parameters();
        parameters.insert(parameters.end(), mixing.begin(), mixing.end());
        return parameters;
    }
};

TypeId
QmixLearner::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::QmixLearner")
            .SetParent<Object>()
            .SetGroupName("MarlLb")
            .AddConstructor<QmixLearner>()
            .AddAttribute("Agents",
                          "Number of agents (load balancers) in the team.",
                          UintegerValue(2),
                          MakeUintegerAccessor(&QmixLearner::m_agents),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Servers",
                          "Number of action heads per agent, one per server.",
                          UintegerValue(7),
                          MakeUintegerAccessor(&QmixLearner::m_servers),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Levels",
                          "Number of action levels (weights) per head.",
                          UintegerValue(6),
                          MakeUintegerAccessor(&QmixLearner::m_levels),
                          MakeUintegerChecker<uint32_t>(2))
            .AddAttribute("ObservationSize",
                          "Values in one agent's observation; the one-hot agent id is added "
                          "to the network input on top of them.",
                          UintegerValue(49),
                          MakeUintegerAccessor(&QmixLearner::m_observationSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("StateSize",
                          "Values in the global state that the mixing network's hypernetworks "
                          "read.",
                          UintegerValue(98),
                          MakeUintegerAccessor(&QmixLearner::m_stateSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("HiddenSize",
                          "Width of the agent network's layers and GRU state.",
                          UintegerValue(128),
                          MakeUintegerAccessor(&QmixLearner::m_hiddenSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MixingSize",
                          "Width of the mixing network's hidden layer.",
                          UintegerValue(32),
                          MakeUintegerAccessor(&QmixLearner::m_mixingSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("HypernetSize",
                          "Hidden width of the hypernetworks that produce the mixing weights.",
                          UintegerValue(64),
                          MakeUintegerAccessor(&QmixLearner::m_hypernetSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("LearningRate",
                          "Adam's learning rate.",
                          DoubleValue(1e-3),
                          MakeDoubleAccessor(&QmixLearner::m_learningRate),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("Gamma",
                          "Discount factor per step.",
                          DoubleValue(0.99),
                          MakeDoubleAccessor(&QmixLearner::m_gamma),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("TdLambda",
                          "Lambda of the TD(lambda) targets; 0 gives one-step TD targets. The "
                          "authors' code uses 0.6.",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&QmixLearner::m_tdLambda),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("TargetUpdateInterval",
                          "Updates between two copies of the online networks into the target "
                          "networks.",
                          UintegerValue(50),
                          MakeUintegerAccessor(&QmixLearner::m_targetUpdateInterval),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("GradientClip",
                          "Maximum L2 norm of the gradient of one update.",
                          DoubleValue(10.0),
                          MakeDoubleAccessor(&QmixLearner::m_gradientClip),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("BatchSize",
                          "Episodes per update.",
                          UintegerValue(12),
                          MakeUintegerAccessor(&QmixLearner::m_batchSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ReplayCapacity",
                          "Steps that the replay buffer holds over all its episodes.",
                          UintegerValue(3000),
                          MakeUintegerAccessor(&QmixLearner::m_replayCapacity),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MinEpisodes",
                          "Updates start once the replay buffer holds more episodes than this "
                          "(or is full).",
                          UintegerValue(25),
                          MakeUintegerAccessor(&QmixLearner::m_minEpisodes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Exploration",
                          "How training explores: epsilon-greedy with a linear schedule, or "
                          "levels drawn from a softmax of the Q values.",
                          EnumValue(QmixLearner::EXPLORATION_EPSILON_GREEDY),
                          MakeEnumAccessor(&QmixLearner::m_exploration),
                          MakeEnumChecker(QmixLearner::EXPLORATION_EPSILON_GREEDY,
                                          "EpsilonGreedy",
                                          QmixLearner::EXPLORATION_SOFTMAX,
                                          "Softmax"))
            .AddAttribute("EpsilonStart",
                          "Exploration probability at the first team step.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&QmixLearner::m_epsilonStart),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("EpsilonFinish",
                          "Exploration probability after the annealing.",
                          DoubleValue(0.05),
                          MakeDoubleAccessor(&QmixLearner::m_epsilonFinish),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("EpsilonAnnealSteps",
                          "Team steps (exploring selections divided by Agents) over which "
                          "epsilon falls linearly from EpsilonStart to EpsilonFinish.",
                          UintegerValue(10000),
                          MakeUintegerAccessor(&QmixLearner::m_epsilonAnnealSteps),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("SoftmaxTemperature",
                          "Temperature of softmax exploration, in units of Q.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&QmixLearner::m_softmaxTemperature),
                          MakeDoubleChecker<double>(1e-6));
    return tid;
}

QmixLearner::QmixLearner()
{
    NS_LOG_FUNCTION(this);
}

QmixLearner::~QmixLearner() = default;

void
QmixLearner::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_impl.reset();
    Object::DoDispose();
}

int64_t
QmixLearner::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    if (m_impl)
    {
        NS_LOG_WARN("QmixLearner::AssignStreams called after the networks were built; the "
                    "stream applies to no draw");
    }
    m_stream = stream;
    return 1;
}

void
QmixLearner::Build()
{
    if (m_impl)
    {
        return;
    }
    NS_LOG_FUNCTION(this);
    uint64_t seed = DeriveLearnerSeed(m_stream);
    SeedTorch(seed);
    m_impl = std::make_unique<Impl>();
    m_impl->random.seed(seed);

    const int64_t inputSize = m_observationSize + m_agents;
    m_impl->agent = RecurrentAgentNet(inputSize, m_hiddenSize, m_servers, m_levels);
    m_impl->targetAgent = RecurrentAgentNet(inputSize, m_hiddenSize, m_servers, m_levels);
    m_impl->mixer = QmixMixer(m_agents * m_servers, m_stateSize, m_mixingSize, m_hypernetSize);
    m_impl->targetMixer =
        QmixMixer(m_agents * m_servers, m_stateSize, m_mixingSize, m_hypernetSize);
    CopyParameters(*m_impl->agent, *m_impl->targetAgent, 1.0);
    CopyParameters(*m_impl->mixer, *m_impl->targetMixer, 1.0);
    m_impl->optimizer =
        std::make_unique<torch::optim::Adam>(m_impl->Parameters(),
                                             torch::optim::AdamOptions(m_learningRate));
    m_impl->input = torch::zeros({1, inputSize});
    m_impl->replay = std::make_unique<EpisodeReplayBuffer>(m_replayCapacity, m_minEpisodes);
    m_impl->hidden.assign(m_agents, torch::Tensor());
    ResetHiddenStates();
    NS_LOG_DEBUG("QMIX learner built: " << m_agents << " agents, " << m_servers << " heads of "
                                        << m_levels << " levels, input " << inputSize << ", hidden "
                                        << m_hiddenSize << ", seed " << seed);
}

void
QmixLearner::ResetHiddenStates()
{
    NS_LOG_FUNCTION(this);
    Build();
    for (auto& hidden : m_impl->hidden)
    {
        hidden = m_impl->agent->InitialHidden(1);
    }
}

double
QmixLearner::GetEpsilon() const
{
    double teamSteps = static_cast<double>(m_exploredSelections) / m_agents;
    double progress = std::min(1.0, teamSteps / m_epsilonAnnealSteps);
    return m_epsilonStart + (m_epsilonFinish - m_epsilonStart) * progress;
}

std::vector<uint32_t>
QmixLearner::SelectActions(uint32_t agent, const std::vector<float>& observation, bool explore)
{
    NS_LOG_FUNCTION(this << agent << explore);
    Build();
    NS_ASSERT_MSG(agent < m_agents, "agent " << agent << " outside a team of " << m_agents);
    NS_ASSERT_MSG(observation.size() == m_observationSize,
                  "observation of " << observation.size() << " values, expected "
                                    << m_observationSize);
    torch::NoGradGuard noGrad;

    // Input: the observation, then the one-hot agent id.
    float* input = m_impl->input.data_ptr<float>();
    std::copy(observation.begin(), observation.end(), input);
    std::fill(input + m_observationSize, input + m_observationSize + m_agents, 0.0f);
    input[m_observationSize + agent] = 1.0f;

    auto [q, hidden] = m_impl->agent->Step(m_impl->input, m_impl->hidden[agent]);
    m_impl->hidden[agent] = hidden;
    const float* values = q.data_ptr<float>();

    double epsilon = GetEpsilon();
    if (explore)
    {
        m_exploredSelections++;
    }
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<uint32_t> anyLevel(0, m_levels - 1);
    std::vector<float> probabilities(m_levels);
    std::vector<uint32_t> actions(m_servers);
    for (uint32_t head = 0; head < m_servers; ++head)
    {
        const float* headValues = values + head * m_levels;
        uint32_t greedy =
            static_cast<uint32_t>(std::max_element(headValues, headValues + m_levels) - headValues);
        if (!explore)
        {
            actions[head] = greedy;
        }
        else if (m_exploration == EXPLORATION_EPSILON_GREEDY)
        {
            actions[head] = uniform(m_impl->random) < epsilon ? anyLevel(m_impl->random) : greedy;
        }
        else
        {
            // Softmax of Q / temperature, shifted by the maximum for numerical safety.
            double sum = 0;
            for (uint32_t level = 0; level < m_levels; ++level)
            {
                probabilities[level] = static_cast<float>(
                    std::exp((headValues[level] - headValues[greedy]) / m_softmaxTemperature));
                sum += probabilities[level];
            }
            for (auto& probability : probabilities)
            {
                probability = static_cast<float>(probability / sum);
            }
            actions[head] =
                static_cast<uint32_t>(SampleIndex(probabilities.data(), m_levels, m_impl->random));
        }
    }
    return actions;
}

std::vector<float>
QmixLearner::GetQValues(uint32_t agent, const std::vector<float>& observation)
{
    NS_LOG_FUNCTION(this << agent);
    Build();
    NS_ASSERT(agent < m_agents && observation.size() == m_observationSize);
    torch::NoGradGuard noGrad;
    auto input = torch::zeros({1, static_cast<int64_t>(m_observationSize + m_agents)});
    std::copy(observation.begin(), observation.end(), input.data_ptr<float>());
    input[0][m_observationSize + agent] = 1.0;
    auto [q, hidden] = m_impl->agent->Step(input, m_impl->agent->InitialHidden(1));
    const float* values = q.data_ptr<float>();
    return std::vector<float>(values, values + m_servers * m_levels);
}

double
QmixLearner::EvaluateMixer(const std::vector<float>& utilities, const std::vector<float>& state)
{
    NS_LOG_FUNCTION(this);
    Build();
    NS_ASSERT(utilities.size() == m_agents * m_servers && state.size() == m_stateSize);
    torch::NoGradGuard noGrad;
    auto q = torch::tensor(utilities).view({1, -1});
    auto s = torch::tensor(state).view({1, -1});
    return m_impl->mixer->forward(q, s).item<double>();
}

void
QmixLearner::AddEpisode(AgentEpisode episode)
{
    NS_LOG_FUNCTION(this << episode.GetSteps());
    Build();
    NS_ABORT_MSG_IF(episode.agents != m_agents || episode.heads != m_servers
                        || episode.observationSize != m_observationSize
                        || episode.stateSize != m_stateSize,
                    "QMIX episode of " << episode.agents << " agents, " << episode.heads
                                       << " heads, observations of " << episode.observationSize
                                       << " and states of " << episode.stateSize
                                       << " values does not fit this learner");
    m_impl->replay->Add(std::move(episode));
}

bool
QmixLearner::IsReady() const
{
    return m_impl && m_impl->replay->IsReady();
}

double
QmixLearner::Update()
{
    NS_LOG_FUNCTION(this);
    Build();
    if (m_impl->replay->GetEpisodeCount() == 0)
    {
        return -1;
    }
    auto batch = MakeEpisodeBatch(SampleEpisodes(*m_impl->replay, m_batchSize, m_impl->random));
    const int64_t episodes = batch.rewards.size(0);
    const int64_t steps = batch.rewards.size(1);
    const int64_t agents = m_agents;
    const int64_t utilities = m_agents * m_servers;

    // Agent inputs [episodes * agents, steps + 1, in]: observation and one-hot id.
    auto ids = torch::eye(agents)
                   .view({1, 1, agents, agents})
                   .expand({episodes, steps + 1, agents, agents});
    auto inputs = torch::cat({batch.observations, ids}, 3)
                      .permute({0, 2, 1, 3})
                      .reshape({episodes * agents, steps + 1, -1});
    auto toTeamMajor = [&](const torch::Tensor& q) {
        // [episodes * agents, steps + 1, heads, levels] -> [episodes, steps + 1, agents, ...]
        return q.view({episodes, agents, steps + 1, m_servers, m_levels}).permute({0, 2, 1, 3, 4});
    };

    // Forward: Q of the actions taken, mixed into Q_tot.
    auto q = toTeamMajor(std::get<0>(m_impl->agent->forward(inputs, torch::Tensor())));
    auto taken = q.slice(1, 0, steps).gather(4, batch.actions.unsqueeze(4)).squeeze(4);
    auto total = m_impl->mixer->forward(taken.reshape({episodes, steps, utilities}),
                                        batch.states.slice(1, 0, steps));

    // Targets: double Q (online argmax, target value), mixed by the target mixer, then
    // TD(lambda) returns computed backwards; lambda 0 leaves one-step targets.
    torch::Tensor targets;
    {
        torch::NoGradGuard noGrad;
        auto targetQ =
            toTeamMajor(std::get<0>(m_impl->targetAgent->forward(inputs, torch::Tensor())));
        auto greedy = q.detach().argmax(4, true);
        auto targetMax = targetQ.gather(4, greedy).squeeze(4);
        auto targetTotal =
            m_impl->targetMixer->forward(targetMax.reshape({episodes, steps + 1, utilities}),
                                         batch.states);
        targets = torch::zeros({episodes, steps});
        auto later = torch::zeros({episodes});
        for (int64_t t = steps - 1; t >= 0; --t)
        {
            auto nextValue = targetTotal.select(1, t + 1);
            auto sameEpisode = batch.nextMask.select(1, t);
            auto bootstrap = sameEpisode * (m_tdLambda * later + (1 - m_tdLambda) * nextValue)
                           + (1 - sameEpisode) * nextValue;
            later = batch.rewards.select(1, t)
                  + m_gamma * (1 - batch.terminated.select(1, t)) * bootstrap;
            targets.select(1, t).copy_(later);
        }
    }

    // Loss: mean squared TD error over the episodes' own steps.
    auto error = (total - targets) * batch.mask;
    auto loss = error.pow(2).sum() / batch.mask.sum();

    // Backward and step, with the gradient norm clipped.
    m_impl->optimizer->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_impl->Parameters(), m_gradientClip);
    m_impl->optimizer->step();

    m_updates++;
    if (m_updates % m_targetUpdateInterval == 0)
    {
        CopyParameters(*m_impl->agent, *m_impl->targetAgent, 1.0);
        CopyParameters(*m_impl->mixer, *m_impl->targetMixer, 1.0);
        NS_LOG_LOGIC("target networks updated after " << m_updates << " updates");
    }
    double value = loss.item<double>();
    NS_ASSERT_MSG(std::isfinite(value),
                  "QMIX loss is not finite after " << m_updates << " updates");
    NS_LOG_DEBUG("QMIX update " << m_updates << ": loss " << value);
    return value;
}

namespace
{
/// The learner kind written into QMIX checkpoints.
const std::string QMIX_CHECKPOINT_KIND = "qmix";
} // namespace

std::string
QmixLearner::Save(const std::string& file)
{
    NS_LOG_FUNCTION(this << file);
    Build();
    try
    {
        torch::serialize::OutputArchive archive;
        WriteCheckpointFields(archive,
                              QMIX_CHECKPOINT_KIND,
                              {{"agents", m_agents},
                               {"servers", m_servers},
                               {"levels", m_levels},
                               {"observationSize", m_observationSize},
                               {"stateSize", m_stateSize},
                               {"hiddenSize", m_hiddenSize}});
        archive.write("updates", c10::IValue(static_cast<int64_t>(m_updates)));
        archive.write("exploredSelections",
                      c10::IValue(static_cast<int64_t>(m_exploredSelections)));
        std::vector<std::pair<std::string, torch::nn::Module*>> modules = {
            {"agent", m_impl->agent.get()},
            {"targetAgent", m_impl->targetAgent.get()},
            {"mixer", m_impl->mixer.get()},
            {"targetMixer", m_impl->targetMixer.get()}};
        for (const auto& [name, module] : modules)
        {
            torch::serialize::OutputArchive part;
            module->save(part);
            archive.write(name, part);
        }
        torch::serialize::OutputArchive optimizer;
        m_impl->optimizer->save(optimizer);
        archive.write("optimizer", optimizer);
        archive.save_to(file);
    }
    catch (const c10::Error& e)
    {
        return "cannot write checkpoint " + file + ": " + e.what_without_backtrace();
    }
    NS_LOG_INFO("QMIX checkpoint written to " << file << " after " << m_updates << " updates");
    return "";
}

std::string
QmixLearner::Load(const std::string& file)
{
    NS_LOG_FUNCTION(this << file);
    Build();
    torch::serialize::InputArchive archive;
    try
    {
        archive.load_from(file);
    }
    catch (const c10::Error& e)
    {
        return "cannot read checkpoint " + file + ": " + e.what_without_backtrace();
    }

    // Check everything before changing anything.
    std::string error = CheckCheckpointFields(archive,
                                              file,
                                              QMIX_CHECKPOINT_KIND,
                                              {{"agents", m_agents},
                                               {"servers", m_servers},
                                               {"levels", m_levels},
                                               {"observationSize", m_observationSize},
                                               {"stateSize", m_stateSize},
                                               {"hiddenSize", m_hiddenSize}});
    std::vector<std::pair<std::string, torch::nn::Module*>> modules = {
        {"agent", m_impl->agent.get()},
        {"targetAgent", m_impl->targetAgent.get()},
        {"mixer", m_impl->mixer.get()},
        {"targetMixer", m_impl->targetMixer.get()}};
    std::vector<torch::serialize::InputArchive> parts;
    if (error.empty())
    {
        error = ReadModuleParts(archive, file, modules, parts);
    }
    torch::serialize::InputArchive optimizer;
    if (error.empty() && !archive.try_read("optimizer", optimizer))
    {
        error = "checkpoint " + file + " lacks the optimiser state";
    }
    if (!error.empty())
    {
        NS_LOG_ERROR(error);
        return error;
    }

    try
    {
        for (std::size_t i = 0; i < modules.size(); ++i)
        {
            modules[i].second->load(parts[i]);
        }
        m_impl->optimizer->load(optimizer);
        c10::IValue value;
        if (archive.try_read("updates", value) && value.isInt())
        {
            m_updates = value.toInt();
        }
        if (archive.try_read("exploredSelections", value) && value.isInt())
        {
            m_exploredSelections = value.toInt();
        }
    }
    catch (const c10::Error& e)
    {
        return "cannot load checkpoint " + file + ": " + e.what_without_backtrace();
    }
    ResetHiddenStates();
    NS_LOG_INFO("QMIX checkpoint loaded from " << file << " (" << m_updates << " updates)");
    return "";
}

uint64_t
QmixLearner::GetUpdateCount() const
{
    return m_updates;
}

const EpisodeReplayBuffer&
QmixLearner::GetReplayBuffer() const
{
    NS_ASSERT_MSG(m_impl, "the QMIX learner is not built yet");
    return *m_impl->replay;
}

uint32_t
QmixLearner::GetAgentCount() const
{
    return m_agents;
}

uint32_t
QmixLearner::GetServerCount() const
{
    return m_servers;
}

uint32_t
QmixLearner::GetLevelCount() const
{
    return m_levels;
}

uint64_t
QmixLearner::GetParameterCount()
{
    Build();
    uint64_t count = 0;
    for (const auto& parameter : m_impl->Parameters())
    {
        count += parameter.numel();
    }
    return count;
}

} // namespace ns3
