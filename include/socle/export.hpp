// socle/export.hpp: the export macro of the C++ API (libsocle_cxx).
//
// Everything in socle is compiled with hidden visibility; a class or function of the C++ API is
// visible to the program only when its declaration carries SOCLE_CXX_API.
#ifndef SOCLE_EXPORT_HPP_
#define SOCLE_EXPORT_HPP_

#ifndef SOCLE_CXX_API
#if defined(_WIN32)
#define SOCLE_CXX_API
#else
#define SOCLE_CXX_API __attribute__((visibility("default")))
#endif
#endif

#endif  // SOCLE_EXPORT_HPP_
