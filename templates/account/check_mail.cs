<?cs # After sign-up, a reset request or a change of address: the same words whether or not
       the address has an account, so the page tells nobody who has one. ?>
<?cs def:page_body() ?>
<h1>Check your mail</h1>
<?cs if:Sent.Reset ?>
<p role="status">If <strong><?cs var:Sent.Email ?></strong> has an account with us, we have sent it a link to choose a new password. The link works once, within the hour.</p>
<?cs elif:Sent.Change ?>
<p role="status">We have sent a link to <strong><?cs var:Sent.Email ?></strong>. Your account's address changes to it when you open the link and confirm with your password.</p>
<?cs else ?>
<p role="status">We have sent a message to <strong><?cs var:Sent.Email ?></strong>. Open the link in it to finish: it proves the address is yours.</p>
<?cs /if ?>
<p class="muted">Nothing there after a few minutes? Look in your spam folder, or check the address and try again.</p>
<?cs /def ?>
