// Included by geometry.hpp: touching it must re-run picocache-gen.
#pragma once

constexpr double kScale = SHAPES_SCALE;
