dnl m4/mpifractal_mpi.m4 - the MPI implementation chosen at configure time
dnl (--with-mpi=openmpi|mpich): its compiler wrapper, its launcher for the tests,
dnl its parallel HDF5, and the checks that all three belong to the same MPI.
dnl Everything that differs between Open MPI and MPICH in the build is here.
dnl
dnl Debian installs both side by side under suffixed names (mpicc.openmpi,
dnl mpicc.mpich, mpiexec.openmpi, mpiexec.mpich, pkg-config hdf5-openmpi and
dnl hdf5-mpich), and points the unsuffixed names (mpicc, mpiexec, hdf5-mpi)
dnl at one of them through update-alternatives. The build looks for the
dnl suffixed names first, so it does not depend on which one is the default.

dnl MPIFRACTAL_MPI_SELECT: reads --with-mpi and sets MPICC (unless given) to the
dnl first of mpicc.IMPL, mpicc on PATH. Sets MPI_IMPL (openmpi or mpich, substituted),
dnl mpi_name (for messages), mpi_is (a C preprocessor condition true for that
dnl implementation's mpi.h), mpi_debian_packages (what to apt-get install).
AC_DEFUN([MPIFRACTAL_MPI_SELECT], [
AC_ARG_WITH([mpi],
  [AS_HELP_STRING([--with-mpi=IMPL],
    [MPI implementation: openmpi or mpich (default: openmpi). Chooses the compiler
     wrapper (mpicc.IMPL, else mpicc), the test launcher (mpiexec.IMPL, else mpiexec)
     and the parallel HDF5 (pkg-config hdf5-IMPL, else hdf5-mpi, else hdf5)])],
  [], [with_mpi=openmpi])
AS_CASE([$with_mpi],
  [openmpi], [mpi_name="Open MPI"; mpi_is="defined(OPEN_MPI)"
              mpi_debian_packages="libopenmpi-dev openmpi-bin libhdf5-openmpi-dev"],
  [mpich],   [mpi_name="MPICH"; mpi_is="defined(MPICH_VERSION) && !defined(OPEN_MPI)"
              mpi_debian_packages="libmpich-dev mpich libhdf5-mpich-dev"],
  [AC_MSG_ERROR([--with-mpi=$with_mpi: the MPI implementation must be openmpi or mpich])])
AC_SUBST([MPI_IMPL], [$with_mpi])
AC_ARG_VAR([MPICC], [MPI C compiler wrapper (default: the first of mpicc.IMPL, mpicc on PATH, IMPL from --with-mpi)])
AS_IF([test -z "$MPICC"], [AC_CHECK_PROGS([MPICC], [mpicc.$with_mpi mpicc])])
AS_IF([test -z "$MPICC"],
  [AC_MSG_ERROR([no $mpi_name C compiler wrapper (mpicc.$with_mpi or mpicc) was found.
  On Debian or Ubuntu: apt-get install $mpi_debian_packages
  Or name one: ./configure MPICC=/path/to/mpicc])])
])

dnl MPIFRACTAL_MPI_CHECK_CC: after AC_PROG_CC with CC=$MPICC. Fails unless CC
dnl builds MPI programs with the chosen implementation's mpi.h. Records in
dnl mpi_cc_libs the MPI libraries (per ldd) that a plain MPI program loads.
AC_DEFUN([MPIFRACTAL_MPI_CHECK_CC], [
AC_MSG_CHECKING([whether $CC compiles and links MPI programs])
AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <mpi.h>]], [[MPI_Init(0, 0); MPI_Finalize();]])],
  [AC_MSG_RESULT([yes])
   mpi_cc_libs=`_MPIFRACTAL_MPI_LIBS([conftest$EXEEXT])`
   AS_ECHO(["MPI libraries of a plain MPI program: $mpi_cc_libs"]) >&AS_MESSAGE_LOG_FD],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$CC cannot build an MPI program: is it an MPI compiler wrapper? (apt-get install $mpi_debian_packages)])])
AC_MSG_CHECKING([whether $CC is $mpi_name])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <mpi.h>
#if !($mpi_is)
#error not the chosen MPI
#endif]], [[]])],
  [AC_MSG_RESULT([yes])],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$CC is not an $mpi_name compiler wrapper (its mpi.h is another MPI's).
  Choose the implementation it belongs to (--with-mpi=openmpi or --with-mpi=mpich),
  or name $mpi_name's wrapper: ./configure MPICC=mpicc.$with_mpi])])
])

dnl MPIFRACTAL_MPI_LAUNCHER: sets MPIEXEC (unless given), the launcher make check
dnl uses: the first of mpiexec.IMPL, mpiexec, mpirun, which must belong to the
dnl chosen implementation. Open MPI's gets --oversubscribe (the tests start more
dnl ranks than there are cores); MPICH's Hydra runs any number of ranks anywhere.
AC_DEFUN([MPIFRACTAL_MPI_LAUNCHER], [
AC_ARG_VAR([MPIEXEC], [MPI launcher used by make check (default: mpiexec.IMPL, else mpiexec; --oversubscribe is added for Open MPI)])
AS_IF([test -z "$MPIEXEC"], [
  AC_PATH_PROGS([MPIEXEC_PATH], [mpiexec.$with_mpi mpiexec mpirun])
  AS_IF([test -z "$MPIEXEC_PATH"],
    [AC_MSG_ERROR([no $mpi_name launcher (mpiexec.$with_mpi, mpiexec or mpirun) was found (apt-get install $mpi_debian_packages)])])
  AC_MSG_CHECKING([whether $MPIEXEC_PATH is $mpi_name's launcher])
  AS_IF(["$MPIEXEC_PATH" --version 2>&1 | grep -i -q -e "open mpi" -e openrte -e open-mpi],
    [mpi_launcher_is=openmpi], [mpi_launcher_is=other])
  AS_IF([test "$with_mpi" = openmpi && test "$mpi_launcher_is" = openmpi], [MPIEXEC="$MPIEXEC_PATH --oversubscribe"],
        [test "$with_mpi" = mpich && test "$mpi_launcher_is" = other], [MPIEXEC=$MPIEXEC_PATH])
  AS_IF([test -z "$MPIEXEC"],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$MPIEXEC_PATH does not launch $mpi_name programs: install $mpi_name's (apt-get install $mpi_debian_packages) or name it with MPIEXEC=])],
    [AC_MSG_RESULT([yes])])
])
])

dnl MPIFRACTAL_MPI_CHECK_HDF5(PKG): with HDF5_CFLAGS in CPPFLAGS and HDF5_LIBS in
dnl LIBS. Fails when the HDF5 of pkg-config module PKG was built for another MPI
dnl than CC's: its flags bring another mpi.h, or a program linked with it loads
dnl MPI libraries (per ldd) that a plain MPI program does not.
AC_DEFUN([MPIFRACTAL_MPI_CHECK_HDF5], [
AC_MSG_CHECKING([whether HDF5 ($1) was built for $mpi_name])
mpi_hdf5_error="the HDF5 of pkg-config module $1 was built for another MPI than $mpi_name ($CC)"
mpi_hdf5_fix="install $mpi_name's (apt-get install $mpi_debian_packages) or name it with --with-hdf5-pkg (hdf5-$with_mpi on Debian)"
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <hdf5.h>
#include <mpi.h>
#if !($mpi_is)
#error another MPI
#endif]], [[]])], [],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$mpi_hdf5_error: its flags bring another MPI's mpi.h; $mpi_hdf5_fix])])
AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <hdf5.h>]],
    [[MPI_Init(0, 0); hid_t p = H5Pcreate(H5P_FILE_ACCESS); H5Pset_fapl_mpio(p, MPI_COMM_WORLD, MPI_INFO_NULL); MPI_Finalize();]])],
  [mpi_hdf5_libs=`_MPIFRACTAL_MPI_LIBS([conftest$EXEEXT])`
   AS_ECHO(["MPI libraries of an HDF5 program: $mpi_hdf5_libs"]) >&AS_MESSAGE_LOG_FD],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$CC cannot link a program with the parallel HDF5 of $1])])
mpi_foreign_libs=
for l in $mpi_hdf5_libs; do
  AS_CASE([" $mpi_cc_libs "], [*" $l "*], [], [mpi_foreign_libs="$mpi_foreign_libs $l"])
done
AS_IF([test -n "$mpi_foreign_libs"],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$mpi_hdf5_error: it loads$mpi_foreign_libs; $mpi_hdf5_fix])])
AC_MSG_RESULT([yes])
])

dnl _MPIFRACTAL_MPI_LIBS(PROGRAM): prints the MPI libraries PROGRAM loads, as
dnl name=path words (libmpi*, libmpich*, libopen-pal*, libopen-rte*), from ldd;
dnl nothing without ldd or when cross-compiling (the check then passes).
AC_DEFUN([_MPIFRACTAL_MPI_LIBS], [{ test "$cross_compiling" = yes || ldd "$1" 2>/dev/null; } | sed -n 's/^[[ 	]]*\(libmpi[[^ ]]*\|libmpich[[^ ]]*\|libopen-pal[[^ ]]*\|libopen-rte[[^ ]]*\) => \([[^ ]]*\).*/\1=\2/p' | sort | tr '\n' ' '])
