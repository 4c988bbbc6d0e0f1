<?cs # A text message: the kind's sms() macro, plain text, kept short (one or two segments). ?><?cs call:sms() ?>
