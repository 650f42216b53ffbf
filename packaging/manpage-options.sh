#!/bin/sh
# Writes a help2man include section with each subcommand's own --help (help2man reads only
# the top-level --help): manpage-options.sh FRAISEQL OUT
set -eu
exe=$1
out=$2
{
    echo '[COMMAND OPTIONS]'
    for c in serve demo check explain; do
        echo ".SS \"fraiseql $c\""
        echo '.nf'
        # roff: a backslash is \e; a line starting with . or ' needs \& before it.
        "$exe" "$c" --help | sed -e "s|$exe|fraiseql|g" -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/-/\\-/g'
        echo '.fi'
    done
} >"$out"
