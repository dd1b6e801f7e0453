/* engine.c - which engine computes a render's samples. */
#include "engine.h"


const struct engine_ops *engine_choose(const struct render_params *params)
{
    return params_engine(params) == ENGINE_PERTURBATION ? &engine_perturbation_ops : &engine_double_ops;
}
