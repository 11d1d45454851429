/* Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng every
 * Rust program since 1.78 asks for its random numbers; Windows 10 and 11
 * have it. This stand-in, put into the test Wine prefix only, answers
 * with RtlGenRandom. It is never shipped. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return RtlGenRandom(data, (ULONG)len);
}
