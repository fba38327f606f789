// The emulator's table of kernels: each extern "C" kernel of the sources, by name, with a
// trampoline that unpacks cuLaunchKernel's kernelParams (one pointer per parameter) into a call.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace jdemu {

struct KernelEntry {
  const char* name;
  void (*run)(void** params);
};

template <typename F, F f> struct Trampoline;
template <typename... A, void (*f)(A...)> struct Trampoline<void (*)(A...), f> {
  static void run(void** params) { call(params, std::index_sequence_for<A...>{}); }
  template <size_t... I> static void call(void** params, std::index_sequence<I...>) {
    (void)params;
    f(*static_cast<std::remove_cv_t<A>*>(params[I])...);
  }
};

/** Every kernel of the build (defined by the generated translation unit). */
const KernelEntry* kernel_table(size_t* count);

}  // namespace jdemu

#define JDEMU_KERNEL(name) {#name, &::jdemu::Trampoline<decltype(&name), &name>::run},
