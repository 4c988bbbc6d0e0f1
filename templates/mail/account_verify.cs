<?cs # A new account's address: the link that proves it (single-use, expiring). ?>
<?cs def:subject() ?>Confirm your email address for <?cs var:Site.Name ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

please confirm that this address is yours, to finish creating your account at <?cs var:Site.Name ?>. Open this link (it works once, for <?cs var:Link.Hours ?> hours) and type your password:

<?cs var:Link.URL ?>

Bookings made as a guest under this address will then show under My bookings.

If you did not create an account, ignore this message: nothing happens without the password.
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Confirm your email address</h1>
<p>Hello <?cs var:Recipient.Name ?>, please confirm that this address is yours, to finish creating your account at <?cs var:Site.Name ?>. The link works once, for <?cs var:Link.Hours ?> hours.</p>
<p><a href="<?cs var:Link.URL ?>">Confirm my address</a></p>
<p>Bookings made as a guest under this address will then show under My bookings.</p>
<p>If you did not create an account, ignore this message: nothing happens without the password.</p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
