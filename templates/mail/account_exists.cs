<?cs # Someone signed up with an address that has an account: tell its owner, who may have
       forgotten (the sign-up page said only "check your mail"). ?>
<?cs def:subject() ?>You already have an account at <?cs var:Site.Name ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

someone tried to create an account at <?cs var:Site.Name ?> with this address, which has one already. If it was you, sign in:

<?cs var:Link.SigninURL ?>

Forgot the password? Choose a new one here: <?cs var:Link.ResetURL ?>

If it was not you, ignore this message: nothing about your account changed.
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">You already have an account</h1>
<p>Hello <?cs var:Recipient.Name ?>, someone tried to create an account at <?cs var:Site.Name ?> with this address, which has one already.</p>
<p>If it was you, <a href="<?cs var:Link.SigninURL ?>">sign in</a>, or <a href="<?cs var:Link.ResetURL ?>">choose a new password</a> if you forgot it.</p>
<p>If it was not you, ignore this message: nothing about your account changed.</p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
