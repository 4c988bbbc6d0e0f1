<?cs # The plain text part: the kind's text() macro, then the signature. Rendered with no
       escaping (there is no markup in plain text); blank-line runs are folded by the sender. ?><?cs call:text() ?>

-- 
<?cs var:Site.Name ?> · <?cs var:Site.URL ?>/
This message was sent to <?cs var:Recipient.Address ?> <?cs if:Booking.Code ?>about booking <?cs var:Booking.Code ?><?cs else ?>about your account<?cs /if ?>.
