// Hand-declared prototypes for the reference LAPACK routines SurvivalKit calls.
// Debian's liblapack-dev ships no C header. Fortran passes every argument by reference;
// each CHARACTER argument adds a trailing hidden length argument of type size_t
// (gfortran >= 8 calling convention).
#ifndef SURVIVALKIT_CLAPACK_SHIM_H
#define SURVIVALKIT_CLAPACK_SHIM_H

#include <stddef.h>

/// Cholesky factorisation of a symmetric positive-definite matrix (column-major).
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);

/// Solves A X = B with A = U^T U or L L^T from dpotrf.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);

/// Inverse of a symmetric positive-definite matrix from its dpotrf factor.
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);

/// Cholesky factorisation with complete pivoting (rank-revealing), for aliased columns.
void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv, int *rank,
             const double *tol, double *work, int *info, size_t uplo_len);

#endif
