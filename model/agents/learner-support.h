/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Internal header of the agents library, shared by the learners: seeding, padded batches of
// episodes and checkpoint checks. It includes libtorch, so only the .cc files of model/agents
// may include it.

#ifndef MARL_LB_LEARNER_SUPPORT_H
#define MARL_LB_LEARNER_SUPPORT_H

#include "episode-replay-buffer.h"

#include <cstdint>
#include <random>
#include <string>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \brief Derives a seed from ns-3's RngSeedManager seed and run number and a stream index.
 * \param stream distinguishes the learners of one run
 * \return the seed
 */
uint64_t DeriveLearnerSeed(int64_t stream);

/**
 * \brief Seeds libtorch's global generator, which initialises parameters, and makes libtorch
 * use one thread (two threads are slower than one for networks this small).
 * \param seed the seed
 */
void SeedTorch(uint64_t seed);

/**
 * \brief Whole episodes padded to the longest one, as tensors.
 *
 * T is the longest episode's step count; shorter episodes are padded with zeros and masked.
 */
struct EpisodeBatch
{
    torch::Tensor observations; //!< [batch, T + 1, agents, observationSize]
    torch::Tensor states;       //!< [batch, T + 1, stateSize], undefined if stateSize is 0
    torch::Tensor actions;      //!< [batch, T, agents, heads], int64
    torch::Tensor rewards;      //!< [batch, T]
    torch::Tensor mask;         //!< [batch, T], 1 for the episode's own steps
    torch::Tensor nextMask;     //!< [batch, T], 1 where step t + 1 is also the episode's own
    torch::Tensor terminated;   //!< [batch, T], 1 on the last step of a terminated episode
};

/**
 * \brief Pads episodes into a batch.
 * \param episodes the episodes, with equal agents, heads, observation and state sizes
 * \return the batch
 */
EpisodeBatch MakeEpisodeBatch(const std::vector<const AgentEpisode*>& episodes);

/**
 * \brief Picks episodes for an update: without repetition when the buffer contains enough.
 * \param buffer the buffer; must not be empty
 * \param count episodes wanted
 * \param random the learner's generator
 * \return the episodes
 */
std::vector<const AgentEpisode*> SampleEpisodes(const EpisodeReplayBuffer& buffer,
                                                uint32_t count,
                                                std::mt19937_64& random);

/**
 * \brief Draws an index from a discrete distribution.
 * \param probabilities the probabilities, summing to 1 up to rounding
 * \param count number of entries
 * \param random the generator
 * \return the index
 */
int64_t SampleIndex(const float* probabilities, int64_t count, std::mt19937_64& random);

/// A checkpoint's descriptive value and the value that the learner expects.
using CheckpointField = std::pair<std::string, int64_t>;

/**
 * \brief Writes a learner's kind and sizes into a checkpoint.
 * \param archive the checkpoint
 * \param kind the learner's kind, such as "qmix"
 * \param fields name and value of each size
 */
void WriteCheckpointFields(torch::serialize::OutputArchive& archive,
                           const std::string& kind,
                           const std::vector<CheckpointField>& fields);

/**
 * \brief Compares a checkpoint's kind and sizes with the learner's.
 * \param archive the checkpoint
 * \param file its file name, for messages
 * \param kind the learner's kind
 * \param fields name and expected value of each size
 * \return an empty string if all match, otherwise the first mismatch
 */
std::string CheckCheckpointFields(torch::serialize::InputArchive& archive,
                                  const std::string& file,
                                  const std::string& kind,
                                  const std::vector<CheckpointField>& fields);

/**
 * \brief Compares the parameter shapes stored for a module with the module's own.
 * \param archive the module's part of the checkpoint
 * \param module the module
 * \param file the checkpoint's file name, for messages
 * \param name the module's name in the checkpoint, for messages
 * \return an empty string if every parameter is present with the same shape, otherwise the
 *         first mismatch
 */
std::string CheckModuleShapes(torch::serialize::InputArchive& archive,
                              const torch::nn::Module& module,
                              const std::string& file,
                              const std::string& name);

/**
 * \brief Reads the stored part of each module and checks its parameter shapes.
 * \param archive the checkpoint
 * \param file the checkpoint's file name, for messages
 * \param modules name in the checkpoint and module, for each module
 * \param parts [out] one part per module, in the order of \p modules
 * \return an empty string if every module is present with matching shapes, otherwise the
 *         first module that is missing or differs
 */
std::string ReadModuleParts(torch::serialize::InputArchive& archive,
                            const std::string& file,
                            const std::vector<std::pair<std::string, torch::nn::Module*>>& modules,
                            std::vector<torch::serialize::InputArchive>& parts);

/**
 * \brief Copies every parameter of one module into another of the same shape.
 * \param from the source
 * \param to the destination
 * \param tau 1 for a copy, otherwise the weight of the source in a soft update
 */
void CopyParameters(const torch::nn::Module& from, torch::nn::Module& to, double tau);

} // namespace ns3

#endif // MARL_LB_LEARNER_SUPPORT_H
