/*
 * bcryptprimitives.dll for Wine 8, which lacks it: Go 1.22 and newer get
 * their random bytes from ProcessPrng in this DLL and stop at start
 * ("bcryptprimitives.dll not found") without it. This one fills the
 * buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * It is for running sockplay's Windows build under Wine in tests only;
 * real Windows (10 and later) ships the real DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
