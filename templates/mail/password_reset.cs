<?cs # A password reset link (single-use, expiring). ?>
<?cs def:subject() ?>Reset your password at <?cs var:Site.Name ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

someone asked to reset the password of your account at <?cs var:Site.Name ?>. To choose a new one, open this link (it works once, for <?cs var:Link.Minutes ?> minutes):

<?cs var:Link.URL ?>

If that was not you, ignore this message: your password stays as it is.
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Reset your password</h1>
<p>Hello <?cs var:Recipient.Name ?>, someone asked to reset the password of your account at <?cs var:Site.Name ?>. The link works once, for <?cs var:Link.Minutes ?> minutes.</p>
<p><a href="<?cs var:Link.URL ?>">Choose a new password</a></p>
<p>If that was not you, ignore this message: your password stays as it is.</p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
