# Release packages of the install prefix (utils/release.sh runs CPack):
#
#   DEB  lambda-opt_VERSION_amd64.deb, Depends from dpkg-shlibdeps
#   TGZ  lambda-opt-VERSION-Linux-x86_64.tar.gz, relocatable: the tool finds
#        its libraries and modules through $ORIGIN, and plugins find the
#        CMake package relative to it (lib/cmake/LambdaOpt)
#
# Both carry the plugin SDK: include/lambda-opt and lib/cmake/LambdaOpt.
# Building a plugin also needs LLVM 14's headers (llvm-14-dev).

set(CPACK_PACKAGE_NAME lambda-opt)
set(CPACK_PACKAGE_VENDOR "lambda-opt")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Check and package a uv project for AWS Lambda")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/lambda-opt/lambda-opt")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGE_FILE_NAME
  "lambda-opt-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/;/dist/")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "lambda-opt maintainers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The plugin SDK's headers include LLVM's.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "llvm-14-dev, cmake")

include(CPack)
