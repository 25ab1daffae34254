/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Internal header of the agents library: it includes libtorch, so only the .cc files of
// model/agents may include it.

#ifndef MARL_LB_QMIX_MIXER_H
#define MARL_LB_QMIX_MIXER_H

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief QMIX's mixing network (Rashid et al., ICML 2018).
 *
 * Q_tot = w2^T elu(W1^T q + b1) + V(s), where hypernetworks of the global state s produce W1,
 * b1, w2 and V. W1 and w2 pass through abs(), so Q_tot never decreases when one input
 * utility grows: the greedy joint action is every input's own greedy choice.
 */
class QmixMixerImpl : public torch::nn::Module
{
  public:
    /**
     * \brief Creates the hypernetworks.
     * \param inputs number of utilities mixed (agents x heads)
     * \param stateSize values of the global state
     * \param embedSize width of the mixing layer
     * \param hypernetSize hidden width of the weight hypernetworks
     */
    QmixMixerImpl(int64_t inputs, int64_t stateSize, int64_t embedSize, int64_t hypernetSize);

    /**
     * \brief Mixes utilities into Q_tot.
     * \param utilities [..., inputs]
     * \param states [..., stateSize], the same leading shape
     * \return Q_tot with the leading shape
     */
    torch::Tensor forward(const torch::Tensor& utilities, const torch::Tensor& states);

    int64_t inputs;    //!< utilities mixed
    int64_t embedSize; //!< width of the mixing layer

    torch::nn::Sequential hyperWeight1{nullptr};     //!< state -> W1 (inputs x embedSize)
    torch::nn::Linear hyperBias1{nullptr};           //!< state -> b1
    torch::nn::Sequential hyperWeightFinal{nullptr}; //!< state -> w2 (embedSize)
    torch::nn::Sequential value{nullptr};            //!< state -> V(s)
};

TORCH_MODULE(QmixMixer);

} // namespace ns3

#endif // MARL_LB_QMIX_MIXER_H
