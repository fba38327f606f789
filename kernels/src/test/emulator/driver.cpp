// The CUDA driver API subset jdistill's CudaBackend calls (through JCuda), served on the host: one
// device, "device" memory in host pages with a guard page after each allocation, every stream and
// copy synchronous, kernels run by the fiber scheduler. Built as libcuda.so.1 so that JCuda's
// native library binds to it when its folder comes first on LD_LIBRARY_PATH.
//
// It checks what the hardware would refuse (launch shapes, dynamic shared memory above the
// function's limit, copies outside an allocation, unknown kernel names) and reports each refusal
// on stderr with the error code, so that host-side bugs show up without a GPU.
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "registry.h"
#include "scheduler.h"

#define JDEMU_API extern "C" __attribute__((visibility("default")))

namespace {

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef int CUdevice;

enum : int {
  kSuccess = 0,
  kInvalidValue = 1,
  kOutOfMemory = 2,
  kNotInitialized = 3,
  kInvalidDevice = 101,
  kInvalidImage = 200,
  kInvalidHandle = 400,
  kNotFound = 500,
  kLaunchFailed = 719,
  kNotSupported = 801,
};

constexpr size_t kDefaultSharedLimit = 48 * 1024;
constexpr size_t kOptInSharedLimit = 227 * 1024;
constexpr size_t kPage = 4096;

struct Function {
  const jdemu::KernelEntry* kernel;
  size_t max_dynamic_shared = kDefaultSharedLimit;
};
struct Module {
  std::map<std::string, Function> functions;
};
struct Event {
  std::chrono::steady_clock::time_point at;
};
struct Allocation {
  size_t bytes;       // what was asked for
  void* mapping;      // the whole mapping, guard page included
  size_t mapped;
};

std::recursive_mutex lock;

// JDISTILL_EMULATOR_PROFILE=1: per-kernel launches, threads and host time, printed at exit.
struct KernelProfile {
  unsigned long long launches = 0, threads = 0;
  double seconds = 0;
};
std::map<std::string, KernelProfile>* profile = nullptr;

void print_profile() {
  std::fprintf(stderr, "jdistill CUDA emulator profile (kernel, launches, threads, seconds):\n");
  for (auto& [name, p] : *profile) std::fprintf(stderr, "  %-40s %10llu %14llu %9.3f\n", name.c_str(), p.launches, p.threads, p.seconds);
}
bool initialised = false;
int primary_context = 0;  // the one context's identity
std::map<uintptr_t, Allocation> allocations;  // by start address
size_t in_use = 0;

size_t device_memory() {
  const char* v = std::getenv("JDISTILL_EMULATOR_DEVICE_MEMORY");
  return v ? std::strtoull(v, nullptr, 10) : (size_t{16} << 30);
}

CUresult fail(CUresult code, const std::string& message) {
  std::fprintf(stderr, "jdistill CUDA emulator: error %d: %s\n", code, message.c_str());
  std::fflush(stderr);
  return code;
}

// True when [p, p + bytes) lies inside one live allocation.
bool inside_allocation(CUdeviceptr p, size_t bytes) {
  auto it = allocations.upper_bound(static_cast<uintptr_t>(p));
  if (it == allocations.begin()) return false;
  --it;
  return p >= it->first && p + bytes <= it->first + it->second.bytes;
}

CUresult check_device_range(CUdeviceptr p, size_t bytes, const char* what) {
  if (bytes == 0 || inside_allocation(p, bytes)) return kSuccess;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: device range 0x%llx + %zu bytes is not inside one allocation", what, p, bytes);
  return fail(kInvalidValue, buf);
}

}  // namespace

JDEMU_API CUresult cuInit(unsigned flags) {
  if (flags != 0) return fail(kInvalidValue, "cuInit: flags must be 0");
  initialised = true;
  return kSuccess;
}

JDEMU_API CUresult cuDriverGetVersion(int* version) {
  *version = 12000;
  return kSuccess;
}

JDEMU_API CUresult cuDeviceGetCount(int* count) {
  if (!initialised) return kNotInitialized;
  *count = 1;
  return kSuccess;
}

JDEMU_API CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  if (!initialised) return kNotInitialized;
  if (ordinal != 0) return kInvalidDevice;
  *device = 0;
  return kSuccess;
}

JDEMU_API CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
  if (device != 0) return kInvalidDevice;
  std::snprintf(name, length, "jdistill host emulator (sm_90 model)");
  return kSuccess;
}

JDEMU_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device) {
  if (device != 0) return kInvalidDevice;
  *bytes = device_memory();
  return kSuccess;
}

JDEMU_API CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total_bytes) {
  std::lock_guard<std::recursive_mutex> g(lock);
  *total_bytes = device_memory();
  *free_bytes = *total_bytes - in_use;
  return kSuccess;
}

JDEMU_API CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
  if (device != 0) return kInvalidDevice;
  switch (attribute) {
    case 1: *value = 1024; break;                           // max threads per block
    case 2: case 3: *value = 1024; break;                   // max block dim x, y
    case 4: *value = 64; break;                             // max block dim z
    case 5: *value = 2147483647; break;                     // max grid dim x
    case 6: case 7: *value = 65535; break;                  // max grid dim y, z
    case 8: *value = static_cast<int>(kDefaultSharedLimit); break;
    case 10: *value = 32; break;                            // warp size
    case 16: *value = 4; break;                             // multiprocessors
    case 39: *value = 2048; break;                          // threads per multiprocessor
    case 75: *value = 9; break;                             // compute capability 9.0
    case 76: *value = 0; break;
    case 81: *value = 228 * 1024; break;                    // shared memory per multiprocessor
    case 97: *value = static_cast<int>(kOptInSharedLimit); break;
    default: return fail(kInvalidValue, "cuDeviceGetAttribute: attribute " + std::to_string(attribute) + " is not emulated");
  }
  return kSuccess;
}

JDEMU_API CUresult cuDevicePrimaryCtxRetain(void** context, CUdevice device) {
  if (device != 0) return kInvalidDevice;
  *context = &primary_context;
  return kSuccess;
}
JDEMU_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) { return device == 0 ? kSuccess : kInvalidDevice; }
JDEMU_API CUresult cuCtxSetCurrent(void* context) {
  return context == nullptr || context == &primary_context ? kSuccess : fail(kInvalidHandle, "cuCtxSetCurrent: unknown context");
}
JDEMU_API CUresult cuCtxSynchronize() { return kSuccess; }

// ---- memory -----------------------------------------------------------------------------------
JDEMU_API CUresult cuMemAlloc_v2(CUdeviceptr* ptr, size_t bytes) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (bytes == 0) return fail(kInvalidValue, "cuMemAlloc: 0 bytes");
  if (in_use + bytes > device_memory()) return kOutOfMemory;
  // The block ends (256-byte aligned) right before a PROT_NONE page: reading or writing past the
  // end of an allocation by more than its alignment padding faults at once.
  const size_t padded = (bytes + 255) / 256 * 256;
  const size_t data_pages = (padded + kPage - 1) / kPage * kPage;
  const size_t mapped = data_pages + kPage;
  void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return kOutOfMemory;
  unsigned char* base = static_cast<unsigned char*>(m);
  mprotect(base + data_pages, kPage, PROT_NONE);
  unsigned char* start = base + data_pages - padded;
  std::memset(start, 0xff, padded);  // uninitialised device memory reads as NaN
  allocations[reinterpret_cast<uintptr_t>(start)] = Allocation{bytes, m, mapped};
  in_use += bytes;
  *ptr = reinterpret_cast<CUdeviceptr>(start);
  return kSuccess;
}

JDEMU_API CUresult cuMemFree_v2(CUdeviceptr ptr) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (ptr == 0) return kSuccess;
  auto it = allocations.find(static_cast<uintptr_t>(ptr));
  if (it == allocations.end()) return fail(kInvalidValue, "cuMemFree: not the start of an allocation");
  munmap(it->second.mapping, it->second.mapped);
  in_use -= it->second.bytes;
  allocations.erase(it);
  return kSuccess;
}

JDEMU_API CUresult cuMemAllocHost_v2(void** ptr, size_t bytes) {
  *ptr = std::aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
  return *ptr ? kSuccess : kOutOfMemory;
}
JDEMU_API CUresult cuMemFreeHost(void* ptr) {
  std::free(ptr);
  return kSuccess;
}

JDEMU_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (CUresult r = check_device_range(dst, bytes, "cuMemcpyHtoD")) return r;
  std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
  return kSuccess;
}
JDEMU_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, void*) {
  return cuMemcpyHtoD_v2(dst, src, bytes);
}
JDEMU_API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (CUresult r = check_device_range(src, bytes, "cuMemcpyDtoH")) return r;
  std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
  return kSuccess;
}
JDEMU_API CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, void*) { return cuMemcpyDtoH_v2(dst, src, bytes); }
JDEMU_API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (CUresult r = check_device_range(src, bytes, "cuMemcpyDtoD source")) return r;
  if (CUresult r = check_device_range(dst, bytes, "cuMemcpyDtoD destination")) return r;
  std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
  return kSuccess;
}
JDEMU_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void*) { return cuMemcpyDtoD_v2(dst, src, bytes); }

JDEMU_API CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count) {
  std::lock_guard<std::recursive_mutex> g(lock);
  if (dst % 4 != 0) return fail(kInvalidValue, "cuMemsetD32: destination not 4-byte aligned");
  if (CUresult r = check_device_range(dst, count * 4, "cuMemsetD32")) return r;
  unsigned* p = reinterpret_cast<unsigned*>(dst);
  for (size_t i = 0; i < count; ++i) p[i] = value;
  return kSuccess;
}
JDEMU_API CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, void*) { return cuMemsetD32_v2(dst, value, count); }

// ---- streams and events (everything is synchronous) -----------------------------------------------
JDEMU_API CUresult cuStreamCreate(void** stream, unsigned) {
  *stream = new int(0);
  return kSuccess;
}
JDEMU_API CUresult cuStreamDestroy_v2(void* stream) {
  delete static_cast<int*>(stream);
  return kSuccess;
}
JDEMU_API CUresult cuStreamSynchronize(void*) { return kSuccess; }
JDEMU_API CUresult cuStreamWaitEvent(void*, void* event, unsigned) {
  return event ? kSuccess : fail(kInvalidHandle, "cuStreamWaitEvent: null event");
}
JDEMU_API CUresult cuEventCreate(void** event, unsigned) {
  *event = new Event{std::chrono::steady_clock::now()};
  return kSuccess;
}
JDEMU_API CUresult cuEventDestroy_v2(void* event) {
  delete static_cast<Event*>(event);
  return kSuccess;
}
JDEMU_API CUresult cuEventRecord(void* event, void*) {
  if (!event) return fail(kInvalidHandle, "cuEventRecord: null event");
  static_cast<Event*>(event)->at = std::chrono::steady_clock::now();
  return kSuccess;
}
JDEMU_API CUresult cuEventSynchronize(void* event) { return event ? kSuccess : kInvalidHandle; }
JDEMU_API CUresult cuEventQuery(void* event) { return event ? kSuccess : kInvalidHandle; }
JDEMU_API CUresult cuEventElapsedTime(float* ms, void* start, void* end) {
  auto d = static_cast<Event*>(end)->at - static_cast<Event*>(start)->at;
  *ms = std::chrono::duration<float, std::milli>(d).count();
  return kSuccess;
}

// ---- modules and launches -----------------------------------------------------------------------
JDEMU_API CUresult cuModuleLoadData(void** module, const void* image) {
  if (!image) return fail(kInvalidImage, "cuModuleLoadData: null image");
  Module* m = new Module;
  size_t count = 0;
  const jdemu::KernelEntry* table = jdemu::kernel_table(&count);
  for (size_t i = 0; i < count; ++i) m->functions[table[i].name] = Function{&table[i]};
  *module = m;
  return kSuccess;
}
JDEMU_API CUresult cuModuleUnload(void* module) {
  delete static_cast<Module*>(module);
  return kSuccess;
}
JDEMU_API CUresult cuModuleGetFunction(void** function, void* module, const char* name) {
  Module* m = static_cast<Module*>(module);
  auto it = m->functions.find(name);
  if (it == m->functions.end()) return fail(kNotFound, std::string("cuModuleGetFunction: no kernel named ") + name);
  *function = &it->second;
  return kSuccess;
}
JDEMU_API CUresult cuFuncSetAttribute(void* function, int attribute, int value) {
  Function* f = static_cast<Function*>(function);
  if (attribute != 8) return fail(kNotSupported, "cuFuncSetAttribute: attribute " + std::to_string(attribute) + " is not emulated");
  if (value < 0 || static_cast<size_t>(value) > kOptInSharedLimit) {
    return fail(kInvalidValue, std::string(f->kernel->name) + ": max dynamic shared memory " + std::to_string(value) + " above the device's " +
                                   std::to_string(kOptInSharedLimit));
  }
  f->max_dynamic_shared = static_cast<size_t>(value);
  return kSuccess;
}

JDEMU_API CUresult cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                  unsigned shared_bytes, void*, void** params, void** extra) {
  std::lock_guard<std::recursive_mutex> g(lock);
  Function* f = static_cast<Function*>(function);
  if (!f) return fail(kInvalidHandle, "cuLaunchKernel: null function");
  const std::string name = f->kernel->name;
  if (extra) return fail(kNotSupported, name + ": the extra launch argument is not emulated");
  const unsigned long long threads = 1ull * bx * by * bz;
  if (bx == 0 || by == 0 || bz == 0 || bx > 1024 || by > 1024 || bz > 64 || threads > 1024) {
    return fail(kInvalidValue, name + ": block " + std::to_string(bx) + "x" + std::to_string(by) + "x" + std::to_string(bz) +
                                   " (at most 1024 threads, z at most 64)");
  }
  if (gx == 0 || gy == 0 || gz == 0 || gx > 2147483647u || gy > 65535 || gz > 65535) {
    return fail(kInvalidValue, name + ": grid " + std::to_string(gx) + "x" + std::to_string(gy) + "x" + std::to_string(gz));
  }
  if (shared_bytes > f->max_dynamic_shared) {
    return fail(kInvalidValue, name + ": " + std::to_string(shared_bytes) + " bytes of dynamic shared memory, above the function's limit of " +
                                   std::to_string(f->max_dynamic_shared) + " (raise it with cuFuncSetAttribute)");
  }
  if (!params) return fail(kInvalidValue, name + ": null kernelParams");
  if (!profile && std::getenv("JDISTILL_EMULATOR_PROFILE")) {
    profile = new std::map<std::string, KernelProfile>;
    std::atexit(print_profile);
  }
  const auto start = std::chrono::steady_clock::now();
  std::string error = jdemu::run_grid(f->kernel->name, f->kernel->run, params, dim3(gx, gy, gz), dim3(bx, by, bz), shared_bytes);
  if (profile) {
    KernelProfile& p = (*profile)[name];
    p.launches++;
    p.threads += threads * gx * gy * gz;
    p.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (!error.empty()) return fail(kLaunchFailed, error);
  return kSuccess;
}

JDEMU_API CUresult cuGetErrorName(CUresult error, const char** name) {
  static thread_local std::string s;
  s = "CUDA_ERROR_" + std::to_string(error);
  *name = s.c_str();
  return kSuccess;
}
JDEMU_API CUresult cuGetErrorString(CUresult error, const char** text) { return cuGetErrorName(error, text); }
