<?cs # The Subject line of a mail: the kind's subject() macro, rendered as plain text; the
       sender folds it to one line and encodes it (RFC 2047) when it is not ASCII. ?><?cs call:subject() ?>
