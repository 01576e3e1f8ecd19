/*
 * Optional speed-up for AMD CPUs, loaded with LD_PRELOAD by the ./fiber launcher.
 *
 * libtorch's CPU build links Intel oneMKL statically and exports MKL's CPU-vendor checks. On non-Intel
 * CPUs MKL then picks a generic single-precision GEMM kernel: on the project's AMD EPYC (Zen 5, AVX-512)
 * machine a FIBER-B text pass reaches ~110 GFLOP/s instead of ~200 GFLOP/s (docs/PERFORMANCE.md).
 * Answering "yes, an Intel CPU" lets MKL use the AVX-512/AVX2 kernels the CPU supports. Results stay
 * float32 and within the project's parity tolerance (only the summation order inside GEMM changes).
 *
 * Build: cc -shared -fPIC -O2 -o libfiber_mkl_amd.so mkl_amd_cpu.c
 * Use:   LD_PRELOAD=/path/libfiber_mkl_amd.so java ...   (the launcher does this; FIBER_MKL_AMD=0 disables it)
 */
int mkl_serv_intel_cpu_true(void) { return 1; }

int mkl_serv_intel_cpu(void) { return 1; }
